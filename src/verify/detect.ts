import { unpackConsumed, type ConsumedBatch } from '../clients/native-consumer.js';
import { decodeIdentity, type RecordFormat } from '../records/codec.js';
import { detectFormat } from './sink.js';

/** Records of a first batch looked at to decide whether a topic holds stampede's records. */
const kDetectRecords = 32;
/** A send time before this (2020-01-01) is not one a stampede run wrote. */
const kEarliestSendUs = Date.UTC(2020, 0, 1) * 1000;
/** …nor one more than a day ahead of this host's clock. */
const kFutureSlackUs = 86_400_000_000;

/**
 * `--format auto`, decided once per reader on its first batch instead of per record: the format of
 * stampede's records when every one of the first records (up to 32) decodes as one (or carries a
 * record trace header) with a plausible send time, else null (not stampede's: count, do not decode). The send-time check matters for the
 * fixed format, whose header decodes from any 16 bytes: text or another producer's binary gives a
 * "send time" decades away.
 */
export function detectStampedeFormat(batch: ConsumedBatch, nowUs = Date.now() * 1000): RecordFormat | null {
  let format: RecordFormat | null = null;
  let looked = 0;
  for (const record of unpackConsumed(batch.packed)) {
    if (looked++ >= kDetectRecords) break;
    if (record.trace === 'unreadable') return null;
    if (record.trace) {
      // A trace header names the record whatever its value holds (the sink reads it first).
      if (!plausible(record.trace.deviceId, record.trace.seq, record.trace.intendedSendUs, nowUs)) return null;
      format ??= detectFormat(record.value);
      continue;
    }
    const candidate = detectFormat(record.value);
    if (format !== null && candidate !== format) return null;
    format = candidate;
    try {
      const { deviceId, seq, sentAtUs } = decodeIdentity(candidate, record.value);
      if (!plausible(deviceId, seq, sentAtUs, nowUs)) return null;
    } catch {
      return null;
    }
  }
  return format;
}

const plausible = (deviceId: number, seq: number, sentAtUs: number, nowUs: number): boolean =>
  Number.isSafeInteger(deviceId) && deviceId >= 0 && Number.isSafeInteger(seq) && seq >= 0 && sentAtUs >= kEarliestSendUs && sentAtUs <= nowUs + kFutureSlackUs;
