import type { SensorReading } from './device.js';
import { SENSOR_TYPES, STATUSES } from './device.js';

/**
 * Writes one IoT reading as a MessagePack map straight into a buffer from a template: the schema has
 * a fixed shape, so everything but the values is pre-encoded once (per sensor type and per status,
 * the only strings), and each value has a fixed width — float64 for the readings and times, uint32
 * for sensor_id and seq — so a record is a few constant-segment copies and eight number stores, with
 * no string, object or width decision per record. Any MessagePack reader decodes it to the same map
 * as packing the document object would give (msgpackr picks narrower encodings of the same values).
 */
const FIELD_NAMES = ['sensor_id', 'sensor_type', 'temperature', 'humidity', 'pressure', 'battery_level', 'status', 'timestamp', 'seq', 'sent_at_us'] as const;
type FieldName = (typeof FIELD_NAMES)[number];

const kFloat64 = 0xcb;
const kUint32 = 0xce;
const fixstr = (text: string): number[] => [0xa0 | text.length, ...Buffer.from(text, 'latin1')];
const key = (name: FieldName): number[] => fixstr(name);

/**
 * A run of constant bytes, copied as little-endian 32-bit words (a quarter of the stores of a byte
 * loop; V8 inlines DataView stores) and a tail of at most 3 bytes.
 */
interface Segment {
  words: Int32Array;
  tail: Uint8Array;
  length: number;
}

function segment(bytes: number[]): Segment {
  const wordCount = bytes.length >>> 2;
  const words = new Int32Array(wordCount);
  for (let i = 0; i < wordCount; i++) words[i] = bytes[4 * i]! | (bytes[4 * i + 1]! << 8) | (bytes[4 * i + 2]! << 16) | (bytes[4 * i + 3]! << 24);
  return { words, tail: Uint8Array.from(bytes.slice(4 * wordCount)), length: bytes.length };
}

// The map header and each value's type byte ride with the key before it.
const kHead = segment([0x80 | FIELD_NAMES.length, ...key('sensor_id'), kUint32]);
const kByType = SENSOR_TYPES.map((type) => segment([...key('sensor_type'), ...fixstr(type), ...key('temperature'), kFloat64]));
const kHumidity = segment([...key('humidity'), kFloat64]);
const kPressure = segment([...key('pressure'), kFloat64]);
const kBattery = segment([...key('battery_level'), kFloat64]);
const kByStatus = STATUSES.map((status) => segment([...key('status'), ...fixstr(status), ...key('timestamp'), kFloat64]));
const kSeqKey = segment(key('seq'));
const kSentAtKey = segment([...key('sent_at_us'), kFloat64]);

const kNumberBytes = 4 + 8 * 6 + 4; // sensor_id, six float64 values, seq
const kWideExtra = 4; // a sensor_id or seq past 32 bits takes float64 (as msgpackr does), 4 bytes more

/** Bytes of the record writeMsgpackIot will write for this reading. */
export function msgpackIotBytes(reading: SensorReading): number {
  const wide = (reading.deviceId > 0xffffffff ? kWideExtra : 0) + (reading.seq > 0xffffffff ? kWideExtra : 0);
  return kHead.length + kByType[reading.sensorTypeIndex]!.length + kHumidity.length + kPressure.length + kBattery.length + kByStatus[reading.statusIndex]!.length + kSeqKey.length + 1 + kSentAtKey.length + kNumberBytes + wide;
}

function copy(view: DataView, target: Uint8Array, at: number, from: Segment): number {
  const words = from.words;
  for (let i = 0; i < words.length; i++) view.setInt32(at + 4 * i, words[i]!, true);
  const tailAt = at + 4 * words.length;
  const tail = from.tail;
  for (let i = 0; i < tail.length; i++) target[tailAt + i] = tail[i]!;
  return at + from.length;
}

/**
 * Writes the record at `offset` of `target` (with `view` over the same memory); the caller reserved
 * msgpackIotBytes(reading). Returns the bytes written. sensor_id and seq must be non-negative integers.
 */
export function writeMsgpackIot(view: DataView, target: Uint8Array, offset: number, reading: SensorReading): number {
  let at = copy(view, target, offset, kHead);
  const deviceId = reading.deviceId;
  if (deviceId <= 0xffffffff) {
    view.setUint32(at, deviceId, false);
    at += 4;
  } else {
    target[at - 1] = kFloat64;
    view.setFloat64(at, deviceId, false);
    at += 8;
  }
  at = copy(view, target, at, kByType[reading.sensorTypeIndex]!);
  view.setFloat64(at, reading.temperature, false);
  at = copy(view, target, at + 8, kHumidity);
  view.setFloat64(at, reading.humidity, false);
  at = copy(view, target, at + 8, kPressure);
  view.setFloat64(at, reading.pressure, false);
  at = copy(view, target, at + 8, kBattery);
  view.setFloat64(at, reading.batteryLevel, false);
  at = copy(view, target, at + 8, kByStatus[reading.statusIndex]!);
  view.setFloat64(at, Math.floor(reading.sentAtUs / 1000), false);
  at = copy(view, target, at + 8, kSeqKey);
  const seq = reading.seq;
  if (seq <= 0xffffffff) {
    target[at] = kUint32;
    view.setUint32(at + 1, seq, false);
    at += 5;
  } else {
    target[at] = kFloat64;
    view.setFloat64(at + 1, seq, false);
    at += 9;
  }
  at = copy(view, target, at, kSentAtKey);
  view.setFloat64(at, reading.sentAtUs, false);
  return at + 8 - offset;
}

const kSensorId = Buffer.from('sensor_id', 'latin1');
const kSeq = Buffer.from('seq', 'latin1');
const kSentAtUs = Buffer.from('sent_at_us', 'latin1');

/** What a consumer needs back from a record; filled in place by readMsgpackIdentityAt. */
export interface MsgpackIdentity {
  deviceId: number;
  seq: number;
  sentAtUs: number;
}

/** Reads sensor_id, seq and sent_at_us of a whole value; see readMsgpackIdentityAt. */
export function readMsgpackIdentity(value: Uint8Array): MsgpackIdentity | null {
  const identity = { deviceId: 0, seq: 0, sentAtUs: 0 };
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  return readMsgpackIdentityAt(value, view, 0, value.length, identity) ? identity : null;
}

/**
 * Reads sensor_id, seq and sent_at_us from the MessagePack map in bytes [start, end) (`view` over
 * the same memory as `bytes`) into `out`, without building an object: walks the entries, skipping
 * values it does not need, no allocation per record. Returns false on anything it does not expect,
 * and the caller falls back to a full decode, so maps from other writers still work.
 */
export function readMsgpackIdentityAt(bytes: Uint8Array, view: DataView, start: number, end: number, out: MsgpackIdentity): boolean {
  if (start >= end) return false;
  let at = start;
  const first = bytes[at++]!;
  let entries: number;
  if (first >= 0x80 && first <= 0x8f) entries = first & 0x0f;
  else if (first === 0xde && at + 2 <= end) {
    entries = (bytes[at]! << 8) | bytes[at + 1]!;
    at += 2;
  } else return false;
  let deviceId = -1;
  let seq = -1;
  let sentAtUs = -1;
  for (let entry = 0; entry < entries; entry++) {
    if (at >= end) return false;
    const keyHeader = bytes[at++]!;
    if (keyHeader < 0xa0 || keyHeader > 0xbf) return false;
    const keyLength = keyHeader & 0x1f;
    const keyAt = at;
    at += keyLength;
    const number = readScalarAt(bytes, view, at, end);
    if (scalarEnd < 0) return false;
    at = scalarEnd;
    if (keyEquals(bytes, keyAt, keyLength, kSensorId)) deviceId = number;
    else if (keyEquals(bytes, keyAt, keyLength, kSeq)) seq = number;
    else if (keyEquals(bytes, keyAt, keyLength, kSentAtUs)) sentAtUs = number;
  }
  if (!(deviceId >= 0 && seq >= 0 && sentAtUs >= 0)) return false;
  out.deviceId = deviceId;
  out.seq = seq;
  out.sentAtUs = sentAtUs;
  return true;
}

function keyEquals(value: Uint8Array, at: number, length: number, key: Buffer): boolean {
  if (length !== key.length) return false;
  for (let i = 0; i < length; i++) if (value[at + i] !== key[i]) return false;
  return true;
}

/** Where the item after the last scalar read starts; -1 when it was not a scalar this reader knows. */
let scalarEnd = -1;

/** One scalar's number (NaN for strings); sets scalarEnd. A module variable, not a result object: no allocation per field. */
function readScalarAt(bytes: Uint8Array, view: DataView, at: number, end: number): number {
  scalarEnd = -1;
  if (at >= end) return Number.NaN;
  const type = bytes[at]!;
  let number: number;
  let next: number;
  if (type < 0x80) {
    number = type;
    next = at + 1;
  } else if (type >= 0xa0 && type <= 0xbf) {
    number = Number.NaN;
    next = at + 1 + (type & 0x1f);
  } else if (type === 0xcb) {
    next = at + 9;
    if (next > end) return Number.NaN;
    number = view.getFloat64(at + 1, false);
  } else if (type === 0xce) {
    next = at + 5;
    if (next > end) return Number.NaN;
    number = view.getUint32(at + 1, false);
  } else if (type === 0xcc) {
    number = bytes[at + 1]!;
    next = at + 2;
  } else if (type === 0xcd) {
    number = (bytes[at + 1]! << 8) | bytes[at + 2]!;
    next = at + 3;
  } else if (type === 0xd9) {
    number = Number.NaN;
    next = at + 2 + bytes[at + 1]!;
  } else return Number.NaN;
  if (next > end) return Number.NaN;
  scalarEnd = next;
  return number;
}
