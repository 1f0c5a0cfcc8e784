/**
 * A batch of records packed into one Buffer, so a client crosses into native code once per batch.
 * Per record, little-endian:
 *   u32 keyLength | u32 valueLength | f64 intendedSendUs (wall clock) | key bytes | value bytes
 * keyLength = kNullKeyLength (0xFFFFFFFF) is a null key, with no key bytes: `--keys none`, so the
 * partitioner treats the record as unkeyed (an empty key would be hashed like any other).
 * A traced batch (`--record-trace header`) has 16 more header bytes per record, before the key:
 *   u32 deviceId | u32 0 | f64 seq
 * the record's identity, which the producer writes into its `stampede.trace` header.
 * The native client (Rust, native/src/batch.rs) reads this same layout.
 */
export const kRecordHeaderBytes = 16;
export const kTracedRecordHeaderBytes = 32;
export const kNullKeyLength = 0xffff_ffff;

export class BatchBuilder {
  private buffer: Buffer;
  /** Over `buffer`: V8 inlines DataView stores, where Buffer's write methods check every argument. */
  private numbers: DataView;
  private used = 0;
  private lastRecordAt = 0;
  count = 0;
  /** key + value bytes of the records in the batch */
  payloadBytes = 0;

  /** kRecordHeaderBytes, or kTracedRecordHeaderBytes in a traced batch */
  private readonly headerBytes: number;

  /** traced: write each record's identity into its header (the traced layout). */
  constructor(initialBytes = 1 << 20, readonly traced = false) {
    this.headerBytes = traced ? kTracedRecordHeaderBytes : kRecordHeaderBytes;
    this.buffer = Buffer.allocUnsafe(initialBytes);
    this.numbers = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
  }

  /** A DataView over `target`, for encoders writing numbers; replaced with it when it grows. */
  get dataView(): DataView {
    return this.numbers;
  }

  reset(): void {
    this.used = 0;
    this.count = 0;
    this.payloadBytes = 0;
  }

  /** The buffer records are written into; it may be replaced when it grows, so read it after add(). */
  get target(): Buffer {
    return this.buffer;
  }

  /**
   * Appends a record's header and key and reserves `valueBytes` for its value, which the caller then
   * writes into `target` at the returned offset (no closure or copy per record). A null key is
   * written as kNullKeyLength. `deviceId` and `seq` are the record's identity, written into a
   * traced batch for the record's trace header (the value may carry it too, or not).
   */
  add(key: string | null, valueBytes: number, intendedSendUs: number, deviceId = 0, seq = 0): number {
    const keyBytes = key === null ? 0 : key.length; // keys are decimal device ids: ASCII, one byte a character
    const header = this.headerBytes;
    this.ensure(header + keyBytes + valueBytes);
    const at = this.used;
    this.writeHeader(at, key === null ? kNullKeyLength : keyBytes, valueBytes, intendedSendUs, deviceId, seq);
    // A loop, not Buffer.write: for a few bytes the native call's fixed cost dominates.
    for (let i = 0; i < keyBytes; i++) this.buffer[at + header + i] = key!.charCodeAt(i);
    this.used = at + header + keyBytes + valueBytes;
    this.count++;
    this.payloadBytes += keyBytes + valueBytes;
    return at + header + keyBytes;
  }

  /** A record's header at `at` (and its identity, in a traced batch); it becomes the last record. */
  private writeHeader(at: number, keyLength: number, valueBytes: number, intendedSendUs: number, deviceId: number, seq: number): void {
    this.lastRecordAt = at;
    const view = this.numbers;
    view.setUint32(at, keyLength, true);
    view.setUint32(at + 4, valueBytes, true);
    view.setFloat64(at + 8, intendedSendUs, true);
    if (this.traced) {
      view.setUint32(at + 16, deviceId, true);
      view.setUint32(at + 20, 0, true);
      view.setFloat64(at + 24, seq, true);
    }
  }

  /**
   * add() with key = the device id in decimal, its digits written straight into the batch: no
   * string per record. Ids are non-negative integers (those of the simulator).
   */
  addDeviceRecord(deviceId: number, valueBytes: number, intendedSendUs: number, seq = 0): number {
    if (deviceId > 0xffffffff) return this.add(String(deviceId), valueBytes, intendedSendUs, deviceId, seq);
    const keyBytes = decimalDigits(deviceId);
    const header = this.headerBytes;
    this.ensure(header + keyBytes + valueBytes);
    const at = this.used;
    this.writeHeader(at, keyBytes, valueBytes, intendedSendUs, deviceId, seq);
    const keyEnd = at + header + keyBytes;
    const buffer = this.buffer;
    let rest = deviceId;
    for (let i = keyEnd - 1; i >= at + header; i--) {
      const tens = Math.floor(rest / 10);
      buffer[i] = 48 + rest - tens * 10;
      rest = tens;
    }
    this.used = keyEnd + valueBytes;
    this.count++;
    this.payloadBytes += keyBytes + valueBytes;
    return keyEnd;
  }

  /**
   * add() with the key as bytes (UTF-8 of a device model's key field) or null; the record's identity
   * as add()'s.
   */
  addKeyBytes(key: Uint8Array | null, valueBytes: number, intendedSendUs: number, deviceId: number, seq: number): number {
    const keyBytes = key === null ? 0 : key.byteLength;
    const header = this.headerBytes;
    this.ensure(header + keyBytes + valueBytes);
    const at = this.used;
    this.writeHeader(at, key === null ? kNullKeyLength : keyBytes, valueBytes, intendedSendUs, deviceId, seq);
    if (key !== null) this.buffer.set(key, at + header);
    this.used = at + header + keyBytes + valueBytes;
    this.count++;
    this.payloadBytes += keyBytes + valueBytes;
    return at + header + keyBytes;
  }

  /** Gives back `unusedBytes` of the last record's reserved value (for encoders that reserve a maximum). */
  shrinkLast(unusedBytes: number): void {
    if (unusedBytes === 0) return;
    const headerAt = this.lastRecordAt;
    this.numbers.setUint32(headerAt + 4, this.numbers.getUint32(headerAt + 4, true) - unusedBytes, true);
    this.used -= unusedBytes;
    this.payloadBytes -= unusedBytes;
  }

  /** The packed records; valid until the next reset(). */
  view(): Buffer {
    return this.buffer.subarray(0, this.used);
  }

  private ensure(extra: number): void {
    if (this.used + extra <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.used + extra));
    this.buffer.copy(grown, 0, 0, this.used);
    this.buffer = grown;
    this.numbers = new DataView(grown.buffer, grown.byteOffset, grown.byteLength);
  }
}

/** Decimal digits of a non-negative integer below 2^32. */
function decimalDigits(value: number): number {
  if (value < 100_000) return value < 10 ? 1 : value < 100 ? 2 : value < 1_000 ? 3 : value < 10_000 ? 4 : 5;
  return value < 1_000_000 ? 6 : value < 10_000_000 ? 7 : value < 100_000_000 ? 8 : value < 1_000_000_000 ? 9 : 10;
}

export interface PackedRecord {
  /** null: a null key (--keys none) */
  key: Buffer | null;
  value: Buffer;
  intendedSendUs: number;
  /** a traced batch's identity; 0 in an untraced one */
  deviceId: number;
  seq: number;
}

/** Walks a packed batch (`traced`: the traced layout); key and value are views into it, not copies. */
export function* unpackBatch(packed: Buffer, traced = false): Generator<PackedRecord> {
  let at = 0;
  while (at < packed.length) {
    const keyLength = packed.readUInt32LE(at);
    const keyBytes = keyLength === kNullKeyLength ? 0 : keyLength;
    const valueBytes = packed.readUInt32LE(at + 4);
    const intendedSendUs = packed.readDoubleLE(at + 8);
    const deviceId = traced ? packed.readUInt32LE(at + 16) : 0;
    const seq = traced ? packed.readDoubleLE(at + 24) : 0;
    const keyAt = at + (traced ? kTracedRecordHeaderBytes : kRecordHeaderBytes);
    const valueAt = keyAt + keyBytes;
    yield { key: keyLength === kNullKeyLength ? null : packed.subarray(keyAt, valueAt), value: packed.subarray(valueAt, valueAt + valueBytes), intendedSendUs, deviceId, seq };
    at = valueAt + valueBytes;
  }
}

/** A batch as a client receives it. */
export interface RecordBatch {
  packed: Buffer;
  count: number;
  payloadBytes: number;
  /** performance.now() (ms) in the sending thread when the batch was handed to the client */
  handedAtMs: number;
  /** wall clock (µs) at the same moment */
  handedAtWallUs: number;
  /**
   * Measure produce→ack from each record's intendedSendUs rather than from the hand-over: a fixed-rate
   * run's coordinated-omission correction (a late sender's delay shows in latency).
   */
  fromIntended: boolean;
}
