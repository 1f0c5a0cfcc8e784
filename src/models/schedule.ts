import { deviceHash, deviceUnit } from './streams.js';
import type { ModelSpec } from './spec.js';

const kActiveSalt = 0xac71;
const kWeightSalt = 0x3e16;

/**
 * Which device of a shard sends next. Each device is active or not, and has a rate weight, from a
 * hash of (seed, device id) alone, so every thread and host agrees. The shard sends in cycles:
 * round r of a cycle gives one record to each active device whose weight is above r, so a cycle
 * holds exactly `weight` records of each device, the shard's rate is kept exactly whatever the
 * weights, every device's sequence stays contiguous, and how many records each device sent follows
 * from the shard's total alone (what the integrity check expects). Inactive devices send nothing.
 */
export class DeviceSchedule {
  /** active device offsets in the shard, heaviest weight first (then by offset) */
  readonly order: Int32Array;
  /** round r of a cycle: the first roundLengths[r] devices of `order` */
  readonly roundLengths: Int32Array;
  readonly weights: Int32Array;
  readonly cycleRecords: number;
  /** offset → place in `order` (-1: inactive) */
  private readonly ranks: Int32Array;
  private round = 0;
  private position = 0;

  constructor(model: Pick<ModelSpec, 'active' | 'weights'>, seed: number, firstDevice: number, deviceCount: number) {
    this.weights = new Int32Array(deviceCount);
    const active: number[] = [];
    for (let offset = 0; offset < deviceCount; offset++) {
      if (model.active >= 1 || deviceUnit(seed, firstDevice + offset, kActiveSalt) < model.active) active.push(offset);
    }
    // A shard must send what it is given: with no active device by chance, its most likely one sends.
    if (active.length === 0) active.push(mostLikelyDevice(seed, firstDevice, deviceCount));
    for (const offset of active) this.weights[offset] = weightOf(model.weights, deviceUnit(seed, firstDevice + offset, kWeightSalt));
    active.sort((a, b) => this.weights[b]! - this.weights[a]! || a - b);
    this.order = Int32Array.from(active);
    const maxWeight = this.weights[active[0]!]!;
    this.roundLengths = new Int32Array(maxWeight);
    // Devices whose weight is above r, for every r: counted once per device, then summed from the top.
    for (const offset of active) this.roundLengths[this.weights[offset]! - 1]!++;
    for (let r = maxWeight - 2; r >= 0; r--) this.roundLengths[r]! += this.roundLengths[r + 1]!;
    this.ranks = new Int32Array(deviceCount).fill(-1);
    this.order.forEach((offset, rank) => (this.ranks[offset] = rank));
    this.cycleRecords = active.reduce((sum, offset) => sum + this.weights[offset]!, 0);
  }

  /** The offset in the shard of the device whose record is next. */
  next(): number {
    const offset = this.order[this.position]!;
    if (++this.position === this.roundLengths[this.round]) {
      this.position = 0;
      if (++this.round === this.roundLengths.length) this.round = 0;
    }
    return offset;
  }

  /** The offset of the device that sends the shard's k-th record (counted from 0). */
  offsetAt(k: number): number {
    let rest = k % this.cycleRecords;
    for (let r = 0; r < this.roundLengths.length; r++) {
      const length = this.roundLengths[r]!;
      if (rest < length) return this.order[rest]!;
      rest -= length;
    }
    throw new Error('unreachable: a cycle holds every round');
  }

  /** Records the device at `offset` has sent when the shard has sent `sent`. */
  recordsOf(offset: number, sent: number): number {
    const weight = this.weights[offset]!;
    if (weight === 0) return 0;
    const cycles = Math.floor(sent / this.cycleRecords);
    let rest = sent - cycles * this.cycleRecords;
    let count = cycles * weight;
    const rank = this.ranks[offset]!;
    for (let r = 0; r < this.roundLengths.length && rest > 0; r++) {
      const length = this.roundLengths[r]!;
      if (r < weight && rank < Math.min(rest, length)) count++;
      rest -= length;
    }
    return count;
  }
}

/** The weight whose cumulative share the device's unit falls in. */
function weightOf(weights: { weight: number; share: number }[], unit: number): number {
  let sum = 0;
  for (const entry of weights) {
    sum += entry.share;
    if (unit < sum) return entry.weight;
  }
  return weights[weights.length - 1]!.weight;
}

function mostLikelyDevice(seed: number, firstDevice: number, deviceCount: number): number {
  let best = 0;
  for (let offset = 1; offset < deviceCount; offset++) if (deviceHash(seed, firstDevice + offset, kActiveSalt) < deviceHash(seed, firstDevice + best, kActiveSalt)) best = offset;
  return best;
}
