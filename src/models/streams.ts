/**
 * What a record's generators read: its device (index in the shard and id), its sequence number, its
 * send time, and a random stream of its own device. Each device draws from a stream seeded by
 * (seed, device id) alone, so a device's n-th record is the same whichever thread or host sends it.
 */
export class RecordContext {
  deviceIndex = 0;
  deviceId = 0;
  seq = 0;
  sendUs = 0;
  private readonly states: Uint32Array;

  constructor(
    readonly firstDevice: number,
    readonly deviceCount: number,
    readonly seed: number,
  ) {
    this.states = new Uint32Array(deviceCount);
    for (let i = 0; i < deviceCount; i++) this.states[i] = deviceHash(seed, firstDevice + i, 0x5eed);
  }

  /** mulberry32 over the current device's state: uniform in [0, 1). */
  random(): number {
    const states = this.states;
    const index = this.deviceIndex;
    let t = (states[index] = (states[index]! + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A standard normal deviate (Box–Muller, one of the pair). */
  gaussian(): number {
    const u = 1 - this.random(); // (0, 1]: log(0) is -Infinity
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.random());
  }
}

/** A well-mixed 32-bit hash of (seed, device id, purpose): murmur3's finaliser. */
export function deviceHash(seed: number, deviceId: number, salt: number): number {
  let h = (seed ^ Math.imul(deviceId + 1, 0x9e3779b1) ^ Math.imul(salt, 0x85ebca6b) ^ Math.floor(deviceId / 4294967296)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** deviceHash as a share in [0, 1). */
export const deviceUnit = (seed: number, deviceId: number, salt: number): number => deviceHash(seed, deviceId, salt) / 4294967296;
