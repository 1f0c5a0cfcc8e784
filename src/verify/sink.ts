import { kConsumedHeaderBytes, type ConsumedBatch } from '../clients/native-consumer.js';
import { decodeIdentity, kFixedHeaderBytes, type RecordFormat } from '../records/codec.js';
import { readMsgpackIdentityAt, type MsgpackIdentity } from '../records/msgpack-iot.js';
import type { RegionWriter } from '../shared/region.js';
import type { OffsetStore } from './shared-offsets.js';
import { ModelIdentityReader, type ModelIdentity } from '../models/identity.js';
import { SequenceTracker } from './sequence-tracker.js';

export type FormatChoice = RecordFormat | 'auto';

/** A value's format from its first byte: a JSON object, a MessagePack map, else fixed binary. */
export function detectFormat(value: Uint8Array): RecordFormat {
  return formatOfFirstByte(value[0]);
}

function formatOfFirstByte(first: number | undefined): RecordFormat {
  if (first === 0x7b) return 'iot-json'; // '{'
  if (first !== undefined && ((first >= 0x80 && first <= 0x8f) || first === 0xde || first === 0xdf)) return 'iot-msgpack';
  return 'fixed';
}

/**
 * Takes consumed batches: skips records older than the run (below the watermarks noted when the
 * consumer joined), decodes device, sequence and send time, tracks every device's sequence, counts
 * records per partition and, given a region, records end-to-end latency (receive − send, µs) and
 * consumed counts there. Used by the e2e consumer threads and by `stampede verify`.
 */
export class ConsumedRecordSink {
  readonly tracker = new SequenceTracker();
  readonly partitionCounts = new Map<number, number>();
  /** partition → next offset to read: how far this sink (or, shared, its whole group) has got */
  readonly positions: OffsetStore;
  decodeErrors = 0;
  skippedOlder = 0;
  /** records delivered again below this sink's position (a group rebalance or an offset reset, e.g. after a broker restart): read once already, so not counted twice */
  reread = 0;
  /** records read with no key (or an empty one): stampede writes those only with --keys none */
  keyless = 0;
  firstDecodeError: string | undefined;

  constructor(
    private readonly format: FormatChoice,
    private readonly startOffsets: ReadonlyMap<number, number> | null,
    private readonly region?: RegionWriter,
    positions?: OffsetStore,
    identity?: ModelIdentity,
  ) {
    this.positions = positions ?? new Map<number, number>();
    this.modelReader = identity ? new ModelIdentityReader(identity) : undefined;
  }

  /** a device model's values: identity from the model's own fields */
  private readonly modelReader: ModelIdentityReader | undefined;

  /** Reused for every record: the identity reader fills it in place. */
  private readonly identity: MsgpackIdentity = { deviceId: 0, seq: 0, sentAtUs: 0 };

  /**
   * Walks the packed batch in place (a DataView over it: no object, view or generator step per
   * record); per-partition bookkeeping is kept in locals while records of one partition follow each
   * other (a poll returns them in runs) and goes to the Maps once per run; acked counts go to the
   * region once per batch, after the latencies (a reader never sees more acks than latencies).
   */
  absorb(batch: ConsumedBatch): void {
    const packed = batch.packed;
    const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
    const identity = this.identity;
    const region = this.region;
    let acked = 0;
    let ackedBytes = 0;
    let partition = -1;
    let next = -1; // next offset to read of `partition`, -1 when none is known yet
    let start = 0; // the run's first offset of `partition`
    let counted = 0; // records of `partition` counted since its values were loaded
    const flush = (): void => {
      if (partition < 0) return;
      if (next >= 0) this.positions.set(partition, next);
      if (counted > 0) this.partitionCounts.set(partition, (this.partitionCounts.get(partition) ?? 0) + counted);
    };
    let at = 0;
    while (at < packed.length) {
      if (packed.length - at < kConsumedHeaderBytes) throw new Error(`packed consumed batch is truncated: ${packed.length - at} bytes left at byte ${at}, less than a header`);
      const keyBytes = view.getUint32(at, true);
      const valueBytes = view.getUint32(at + 4, true);
      const recordPartition = view.getInt32(at + 8, true);
      const offset = view.getFloat64(at + 16, true);
      const valueAt = at + kConsumedHeaderBytes + keyBytes;
      const valueEnd = valueAt + valueBytes;
      if (valueEnd > packed.length) throw new Error(`packed consumed batch is truncated: the record at byte ${at} ends at ${valueEnd}, past ${packed.length}`);
      const recordAt = at;
      at = valueEnd;
      if (recordPartition !== partition) {
        flush();
        partition = recordPartition;
        next = this.positions.get(partition) ?? -1;
        start = this.startOffsets ? (this.startOffsets.get(partition) ?? 0) : 0;
        counted = 0;
      }
      // The same offset again is a re-delivery, not a duplicate on the topic (one written twice has its own offset).
      if (next >= 0 && offset < next) {
        this.reread++;
        continue;
      }
      next = offset + 1;
      if (offset < start) {
        this.skippedOlder++;
        continue;
      }
      if (!this.readIdentity(packed, view, valueAt, valueEnd, partition, offset)) continue;
      this.tracker.record(identity.deviceId, identity.seq);
      if (keyBytes === 0) this.keyless++;
      counted++;
      if (region) {
        region.recordLatencyUs(view.getFloat64(recordAt + 24, true) - identity.sentAtUs);
        acked++;
        ackedBytes += keyBytes + valueBytes;
      }
    }
    flush();
    if (region && acked > 0) region.addAcked(acked, ackedBytes);
  }

  /** Device, seq and send time of the value at [valueAt, valueEnd) into this.identity; false (counted) when it does not decode. */
  private readIdentity(packed: Buffer, view: DataView, valueAt: number, valueEnd: number, partition: number, offset: number): boolean {
    if (this.modelReader) return this.readModelIdentity(packed.subarray(valueAt, valueEnd), partition, offset);
    const format = this.format === 'auto' ? formatOfFirstByte(valueAt < valueEnd ? packed[valueAt] : undefined) : this.format;
    const identity = this.identity;
    if (format === 'fixed' && valueEnd - valueAt >= kFixedHeaderBytes) {
      identity.deviceId = view.getUint32(valueAt, true);
      identity.seq = view.getUint32(valueAt + 4, true);
      identity.sentAtUs = view.getFloat64(valueAt + 8, true);
      return true;
    }
    if (format === 'iot-msgpack' && readMsgpackIdentityAt(packed, view, valueAt, valueEnd, identity)) return true;
    // Anything else (JSON, maps from other writers, short values): the general decoder, which names the fault.
    try {
      const decoded = decodeIdentity(format, packed.subarray(valueAt, valueEnd));
      identity.deviceId = decoded.deviceId;
      identity.seq = decoded.seq;
      identity.sentAtUs = decoded.sentAtUs;
      return true;
    } catch (err) {
      this.decodeErrors++;
      this.firstDecodeError ??= `partition ${partition} offset ${offset}: ${(err as Error).message}`;
      return false;
    }
  }

  private readModelIdentity(value: Uint8Array, partition: number, offset: number): boolean {
    try {
      this.modelReader!.read(value, this.identity);
      return true;
    } catch (err) {
      this.decodeErrors++;
      this.firstDecodeError ??= `partition ${partition} offset ${offset}: ${(err as Error).message}`;
      return false;
    }
  }
}

/** Records per partition and how even they are: 100 % when every partition got the same count. */
export function partitionBalance(counts: ReadonlyMap<number, number>, partitions: number): { perPartition: number[]; balancePct: number } {
  const perPartition = Array.from({ length: partitions }, (_, partition) => counts.get(partition) ?? 0);
  const max = Math.max(0, ...perPartition);
  const mean = perPartition.reduce((sum, count) => sum + count, 0) / Math.max(partitions, 1);
  // mean / max: the share of the hottest partition's load the average partition carries.
  return { perPartition, balancePct: max === 0 ? 100 : Math.round((1000 * mean) / max) / 10 };
}
