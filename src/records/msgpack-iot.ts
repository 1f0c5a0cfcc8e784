import type { SensorReading } from './device.js';

/**
 * Writes one IoT reading as a MessagePack map straight into a buffer: the schema is fixed, so the
 * keys are pre-encoded once and no object is built per record. Any MessagePack reader decodes the
 * result to the same map that packing the document object would give.
 */
const FIELD_NAMES = ['sensor_id', 'sensor_type', 'temperature', 'humidity', 'pressure', 'battery_level', 'status', 'timestamp', 'seq', 'sent_at_us'] as const;

// Plain byte arrays: copying ~12 bytes in a loop beats Buffer.copy's fixed per-call cost.
const encodedKeys: readonly number[][] = FIELD_NAMES.map((name) => [0xa0 | name.length, ...Buffer.from(name, 'latin1')]);
const kMapHeader = 0x80 | FIELD_NAMES.length; // fixmap: at most 15 entries

/** Upper bound of one record's bytes: keys + the widest encoding of each value. */
export const kMsgpackIotMaxBytes = 1 + encodedKeys.reduce((sum, key) => sum + key.length, 0) + 10 * 9 + 2 * 32;

/** Returns the number of bytes written at `offset` (the caller reserved kMsgpackIotMaxBytes). */
export function writeMsgpackIot(target: Buffer, offset: number, reading: SensorReading): number {
  let at = offset;
  target[at++] = kMapHeader;
  at = writeKey(target, at, 0);
  at = writeUint(target, at, reading.deviceId);
  at = writeKey(target, at, 1);
  at = writeAsciiString(target, at, reading.sensorType);
  at = writeKey(target, at, 2);
  at = writeNumber(target, at, reading.temperature);
  at = writeKey(target, at, 3);
  at = writeNumber(target, at, reading.humidity);
  at = writeKey(target, at, 4);
  at = writeNumber(target, at, reading.pressure);
  at = writeKey(target, at, 5);
  at = writeNumber(target, at, reading.batteryLevel);
  at = writeKey(target, at, 6);
  at = writeAsciiString(target, at, reading.status);
  at = writeKey(target, at, 7);
  at = writeUint(target, at, Math.floor(reading.sentAtUs / 1000));
  at = writeKey(target, at, 8);
  at = writeUint(target, at, reading.seq);
  at = writeKey(target, at, 9);
  at = writeUint(target, at, reading.sentAtUs);
  return at - offset;
}

// A float's bytes through a scratch array: on little-endian hosts (all we run on) reversed into
// place; Buffer.writeDoubleBE costs several times more per call.
const scratch = new Float64Array(1);
const scratchBytes = new Uint8Array(scratch.buffer);
const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function writeFloat64BE(target: Buffer, at: number, value: number): void {
  if (!littleEndianHost) {
    target.writeDoubleBE(value, at);
    return;
  }
  scratch[0] = value;
  for (let i = 0; i < 8; i++) target[at + i] = scratchBytes[7 - i]!;
}

function writeKey(target: Buffer, at: number, index: number): number {
  const key = encodedKeys[index]!;
  for (let i = 0; i < key.length; i++) target[at + i] = key[i]!;
  return at + key.length;
}

/** Strings of the schema are short ASCII (fixstr). */
function writeAsciiString(target: Buffer, at: number, value: string): number {
  target[at] = 0xa0 | value.length;
  for (let i = 0; i < value.length; i++) target[at + 1 + i] = value.charCodeAt(i);
  return at + 1 + value.length;
}

/** Non-negative integers in the smallest MessagePack form msgpackr would choose. */
function writeUint(target: Buffer, at: number, value: number): number {
  if (value < 0x80) {
    target[at] = value;
    return at + 1;
  }
  if (value < 0x100) {
    target[at] = 0xcc;
    target[at + 1] = value;
    return at + 2;
  }
  if (value < 0x10000) {
    target[at] = 0xcd;
    target[at + 1] = value >>> 8;
    target[at + 2] = value & 0xff;
    return at + 3;
  }
  if (value < 0x100000000) {
    target[at] = 0xce;
    target[at + 1] = value >>> 24;
    target[at + 2] = (value >>> 16) & 0xff;
    target[at + 3] = (value >>> 8) & 0xff;
    target[at + 4] = value & 0xff;
    return at + 5;
  }
  // Beyond 32 bits msgpackr writes float64 (exact below 2^53) and reads uint64 back as a BigInt:
  // do as it does, so µs timestamps decode as plain numbers everywhere.
  target[at] = 0xcb;
  writeFloat64BE(target, at + 1, value);
  return at + 9;
}

/** Whole numbers as integers, others as float64 (msgpackr's default), so readers see the same value. */
function writeNumber(target: Buffer, at: number, value: number): number {
  if (Number.isInteger(value) && value >= 0) return writeUint(target, at, value);
  target[at] = 0xcb;
  writeFloat64BE(target, at + 1, value);
  return at + 9;
}

const kSensorId = Buffer.from('sensor_id', 'latin1');
const kSeq = Buffer.from('seq', 'latin1');
const kSentAtUs = Buffer.from('sent_at_us', 'latin1');

/**
 * Reads sensor_id, seq and sent_at_us from a MessagePack map without building an object: walks the
 * entries, skipping values it does not need. Returns null on anything it does not expect, and the
 * caller falls back to a full decode, so maps from other writers still work.
 */
export function readMsgpackIdentity(value: Uint8Array): { deviceId: number; seq: number; sentAtUs: number } | null {
  let at = 0;
  const first = value[at++];
  let entries: number;
  if (first === undefined) return null;
  if (first >= 0x80 && first <= 0x8f) entries = first & 0x0f;
  else if (first === 0xde) {
    entries = (value[at]! << 8) | value[at + 1]!;
    at += 2;
  } else return null;
  let deviceId = -1;
  let seq = -1;
  let sentAtUs = -1;
  for (let entry = 0; entry < entries; entry++) {
    const keyHeader = value[at++];
    if (keyHeader === undefined || keyHeader < 0xa0 || keyHeader > 0xbf) return null;
    const keyLength = keyHeader & 0x1f;
    const keyAt = at;
    at += keyLength;
    const wanted = keyEquals(value, keyAt, keyLength, kSensorId) ? 1 : keyEquals(value, keyAt, keyLength, kSeq) ? 2 : keyEquals(value, keyAt, keyLength, kSentAtUs) ? 3 : 0;
    const read = readScalar(value, at);
    if (read === null) return null;
    at = read.next;
    if (wanted === 1) deviceId = read.number;
    else if (wanted === 2) seq = read.number;
    else if (wanted === 3) sentAtUs = read.number;
  }
  return deviceId >= 0 && seq >= 0 && sentAtUs >= 0 ? { deviceId, seq, sentAtUs } : null;
}

function keyEquals(value: Uint8Array, at: number, length: number, key: Buffer): boolean {
  if (length !== key.length) return false;
  for (let i = 0; i < length; i++) if (value[at + i] !== key[i]) return false;
  return true;
}

const readScratch = new Float64Array(1);
const readScratchBytes = new Uint8Array(readScratch.buffer);

/** One scalar: its number (NaN for strings) and where the next item starts; null for other types. */
function readScalar(value: Uint8Array, at: number): { number: number; next: number } | null {
  const type = value[at];
  if (type === undefined) return null;
  if (type < 0x80) return { number: type, next: at + 1 };
  if (type >= 0xa0 && type <= 0xbf) return { number: Number.NaN, next: at + 1 + (type & 0x1f) };
  switch (type) {
    case 0xcc:
      return { number: value[at + 1]!, next: at + 2 };
    case 0xcd:
      return { number: (value[at + 1]! << 8) | value[at + 2]!, next: at + 3 };
    case 0xce:
      return { number: ((value[at + 1]! << 24) >>> 0) + ((value[at + 2]! << 16) | (value[at + 3]! << 8) | value[at + 4]!), next: at + 5 };
    case 0xcb:
      if (!littleEndianHost) return null;
      for (let i = 0; i < 8; i++) readScratchBytes[7 - i] = value[at + 1 + i]!;
      return { number: readScratch[0]!, next: at + 9 };
    case 0xd9:
      return { number: Number.NaN, next: at + 2 + value[at + 1]! };
    default:
      return null;
  }
}
