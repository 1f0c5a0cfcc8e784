/**
 * The record trace: a record's identity in one compact binary Kafka header, `stampede.trace`, so it
 * survives a stream processor that re-encodes the value (and serves a device model whose values
 * carry no identity). 29 bytes, little-endian (README, "Record trace"):
 *   u8 version (1) | 8 bytes run id | u32 device id | u64 sequence | i64 intended send time, µs
 * The native producer writes it (native/src/trace.rs); this file is the same layout for the
 * clients written in TypeScript and for tests.
 */
export const kTraceHeaderName = 'stampede.trace';
export const kTraceVersion = 1;
export const kTraceHeaderBytes = 29;
export const kRunIdBytes = 8;

/** Where a run's records carry their identity: a trace header, their value's own fields, or nowhere. */
export type RecordTraceMode = 'header' | 'value' | 'none';
export const kRecordTraceModes: readonly RecordTraceMode[] = ['header', 'value', 'none'];

/** A record's `stampede.trace` header, decoded. */
export interface RecordTrace {
  /** the run's 8-byte id, 16 hex digits */
  runId: string;
  deviceId: number;
  seq: number;
  /** µs since the Unix epoch */
  intendedSendUs: number;
}

export function encodeTraceHeader(trace: RecordTrace): Buffer {
  const out = Buffer.alloc(kTraceHeaderBytes);
  out[0] = kTraceVersion;
  out.write(trace.runId, 1, kRunIdBytes, 'hex');
  out.writeUInt32LE(trace.deviceId, 9);
  out.writeBigUInt64LE(BigInt(trace.seq), 13);
  out.writeBigInt64LE(BigInt(Math.round(trace.intendedSendUs)), 21);
  return out;
}

/** null unless `bytes` is a version-1 trace of exactly kTraceHeaderBytes. */
export function decodeTraceHeader(bytes: Uint8Array): RecordTrace | null {
  if (bytes.byteLength !== kTraceHeaderBytes || bytes[0] !== kTraceVersion) return null;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    runId: buffer.toString('hex', 1, 1 + kRunIdBytes),
    deviceId: buffer.readUInt32LE(9),
    seq: Number(buffer.readBigUInt64LE(13)),
    intendedSendUs: Number(buffer.readBigInt64LE(21)),
  };
}
