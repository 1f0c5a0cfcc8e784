import { StampedeError } from '../errors.js';
import { kConsumedAt, kConsumedHeaderBytes, kTimestampNone, kTraceBlockAt, kTraceBlockBytes, kTracePresent, type ConsumedBatch } from '../clients/native-consumer.js';
import type { StageTrace } from '../options/stages.js';
import type { RegionWriter } from '../shared/region.js';
import type { OffsetStore } from '../verify/shared-offsets.js';
import { SequenceTracker } from '../verify/sequence-tracker.js';

/** Records a stage's first read must include one trace among, or the stage cannot be measured. */
export const kTraceProbeRecords = 50;

/** What a trace reader found on one record: its send time, and its identity when the trace carries one. */
export interface TracedRecord {
  sentAtUs: number;
  /** -1 when the trace names no device (a timestamp, a JSON value without sensor_id/seq) */
  deviceId: number;
  seq: number;
}

/** Reads one record's trace into `into`; false when the record carries none (or another run's). */
export type TraceReader = (packed: Buffer, view: DataView, recordAt: number, valueAt: number, valueEnd: number, into: TracedRecord) => boolean;

/**
 * stampede's `stampede.trace` header, decoded by the addon: send time, device and sequence. With
 * `runId` (16 hex digits), a header another run wrote is no trace of this one.
 */
export function headerTraceReader(runId?: string): TraceReader {
  const expected = runId === undefined ? undefined : Buffer.from(runId, 'hex');
  return (packed, view, recordAt, _valueAt, _valueEnd, into) => {
    if (packed[recordAt + kConsumedAt.traceState] !== kTracePresent) return false;
    const block = recordAt + kConsumedHeaderBytes;
    if (expected !== undefined && packed.compare(expected, 0, expected.length, block + kTraceBlockAt.runId, block + kTraceBlockAt.runId + expected.length) !== 0) return false;
    return readTraceBlock(view, block, into);
  };
}

export function readTraceBlock(view: DataView, block: number, into: TracedRecord): boolean {
  into.sentAtUs = view.getFloat64(block + kTraceBlockAt.intendedSendUs, true);
  into.deviceId = view.getUint32(block + kTraceBlockAt.deviceId, true);
  into.seq = view.getFloat64(block + kTraceBlockAt.seq, true);
  return true;
}

/**
 * The Kafka record timestamp (whole ms) as the send time: Kafka Streams and Flink carry it through,
 * and a window's result carries its newest input's. No identity: no integrity from it alone.
 */
export const timestampTraceReader: TraceReader = (packed, view, recordAt, _valueAt, _valueEnd, into) => {
  if (packed[recordAt + kConsumedAt.timestampType] === kTimestampNone) return false;
  const timestampMs = view.getFloat64(recordAt + kConsumedAt.timestampMs, true);
  if (!(timestampMs > 0)) return false;
  into.sentAtUs = timestampMs * 1000;
  into.deviceId = -1;
  into.seq = -1;
  return true;
};

/** A numeric JSON field as the send time in µs; sensor_id and seq, when the value has them, for integrity. */
export function fieldTraceReader(field: string): TraceReader {
  return (packed, _view, _recordAt, valueAt, valueEnd, into) => {
    if (valueEnd <= valueAt || packed[valueAt] !== 0x7b) return false; // not a JSON object
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(packed.toString('utf8', valueAt, valueEnd)) as Record<string, unknown>;
    } catch {
      return false;
    }
    const sentAtUs = doc[field];
    if (typeof sentAtUs !== 'number' || !Number.isFinite(sentAtUs)) return false;
    into.sentAtUs = sentAtUs;
    const deviceId = doc['sensor_id'];
    const seq = doc['seq'];
    const identified = typeof deviceId === 'number' && typeof seq === 'number';
    into.deviceId = identified ? deviceId : -1;
    into.seq = identified ? seq : -1;
    return true;
  };
}

/** What a stage's records lack, in the one line that stops the run, and what to change. */
export function missingTraceLine(stage: string, trace: StageTrace): string {
  switch (trace.kind) {
    case 'header':
      return `stage ${stage}: no stampede.trace header on its first ${kTraceProbeRecords} records (the processor dropped headers): use --trace timestamp, or --trace field:NAME when the value carries the send time`;
    case 'timestamp':
      return `stage ${stage}: its first ${kTraceProbeRecords} records carry no usable Kafka timestamp: use --trace field:NAME when the value carries the send time`;
    case 'field':
      return `stage ${stage}: its first ${kTraceProbeRecords} records have no numeric JSON field "${trace.field}" (µs since the epoch): name the field that holds the send time (--trace field:NAME), or use --trace timestamp`;
    case 'value':
      return `stage ${stage}: its first ${kTraceProbeRecords} records are not stampede's records: use --trace timestamp`;
  }
}

/**
 * Takes a stage's consumed batches: skips records older than the run and re-deliveries (as the
 * e2e sink does), reads each record's trace, records latency (read − sent, µs) and read counts in
 * the region, and tracks device sequences when the trace names the device. Records without a
 * trace, or whose identity is another run's, are counted `foreign` (and add no latency); when none
 * of the first records has a trace, the stage cannot be measured and absorb throws the one line
 * that says what to change.
 */
export class StageSink {
  readonly tracker = new SequenceTracker();
  readonly partitionCounts = new Map<number, number>();
  foreign = 0;
  reread = 0;
  skippedOlder = 0;
  /** records that carried a trace of this run */
  traced = 0;
  /** traced records whose trace named no device (see identify) */
  unidentified = 0;
  private probed = 0;
  private readonly into: TracedRecord = { sentAtUs: 0, deviceId: -1, seq: -1 };

  private readonly runId: Buffer | undefined;
  private readonly devices: { first: number; count: number } | undefined;

  constructor(
    private readonly stage: string,
    private readonly trace: StageTrace,
    private readonly read: TraceReader,
    private readonly startOffsets: ReadonlyMap<number, number>,
    private readonly region: RegionWriter,
    readonly positions: OffsetStore,
    run: { runId?: string | undefined; devices?: { first: number; count: number } | undefined } = {},
  ) {
    this.runId = run.runId === undefined ? undefined : Buffer.from(run.runId, 'hex');
    this.devices = run.devices;
  }

  /**
   * Whose a traced record is. A stampede.trace header the processor forwarded names run, device and
   * sequence whatever the stage's trace (a timestamp-traced stage gains integrity from it); else the
   * trace's own identity (sensor_id and seq of a JSON value). Another run's header, or a device
   * outside this run's, is foreign; a bare timestamp names nobody: unknown.
   */
  private identify(packed: Buffer, view: DataView, recordAt: number): 'ours' | 'foreign' | 'unknown' {
    if (this.trace.kind !== 'header' && packed[recordAt + kConsumedAt.traceState] === kTracePresent) {
      const block = recordAt + kConsumedHeaderBytes;
      const runAt = block + kTraceBlockAt.runId;
      if (this.runId !== undefined && packed.compare(this.runId, 0, this.runId.length, runAt, runAt + this.runId.length) !== 0) return 'foreign';
      const sentAtUs = this.into.sentAtUs;
      readTraceBlock(view, block, this.into);
      this.into.sentAtUs = sentAtUs; // the stage's own trace keeps the send time
    }
    const deviceId = this.into.deviceId;
    if (deviceId < 0) return 'unknown';
    if (this.devices !== undefined && (deviceId < this.devices.first || deviceId >= this.devices.first + this.devices.count)) return 'foreign';
    return 'ours';
  }

  absorb(batch: ConsumedBatch): void {
    const packed = batch.packed;
    const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
    let read = 0;
    let readBytes = 0;
    for (let at = 0; at < packed.length; ) {
      const keyBytes = view.getUint32(at, true);
      const valueBytes = view.getUint32(at + 4, true);
      const partition = view.getInt32(at + kConsumedAt.partition, true);
      const offset = view.getFloat64(at + kConsumedAt.offset, true);
      const recordAt = at;
      const traceBytes = packed[at + kConsumedAt.traceState] === kTracePresent ? kTraceBlockBytes : 0;
      const valueAt = at + kConsumedHeaderBytes + traceBytes + keyBytes;
      at = valueAt + valueBytes;
      const next = this.positions.get(partition) ?? -1;
      if (next >= 0 && offset < next) {
        this.reread++;
        continue;
      }
      this.positions.set(partition, offset + 1);
      if (offset < (this.startOffsets.get(partition) ?? 0)) {
        this.skippedOlder++;
        continue;
      }
      this.partitionCounts.set(partition, (this.partitionCounts.get(partition) ?? 0) + 1);
      read++;
      readBytes += keyBytes + valueBytes;
      if (!this.read(packed, view, recordAt, valueAt, at, this.into)) {
        this.foreign++;
        this.probe(false);
        continue;
      }
      this.probe(true);
      const whose = this.identify(packed, view, recordAt);
      if (whose === 'foreign') {
        this.foreign++;
        continue;
      }
      this.traced++;
      this.region.recordLatencyUs(view.getFloat64(recordAt + kConsumedAt.receivedAtUs, true) - this.into.sentAtUs);
      if (whose === 'ours') this.tracker.record(this.into.deviceId, this.into.seq);
      else this.unidentified++;
    }
    if (read > 0) this.region.addAcked(read, readBytes);
  }

  /** Stops the stage once its first kTraceProbeRecords records carried no trace at all. */
  private probe(found: boolean): void {
    if (this.probed >= kTraceProbeRecords) return;
    this.probed++;
    if (!found && this.probed === kTraceProbeRecords && this.traced === 0) {
      throw new StampedeError('E_OPTION', missingTraceLine(this.stage, this.trace), { exitCode: 2 });
    }
  }
}

/** The reader of a stage's trace. */
export function traceReaderFor(trace: StageTrace, runId?: string): TraceReader {
  switch (trace.kind) {
    case 'field':
      return fieldTraceReader(trace.field);
    case 'header':
      return headerTraceReader(runId);
    case 'timestamp':
      return timestampTraceReader;
    case 'value':
      throw new StampedeError('E_OPTION', 'a stage is read through --trace header, timestamp or field:NAME', { exitCode: 2 });
  }
}
