import { unpackConsumed, type ConsumedBatch } from '../clients/native-consumer.js';
import { decodeIdentity, type RecordFormat } from '../records/codec.js';
import type { RegionWriter } from '../shared/region.js';
import type { OffsetStore } from './shared-offsets.js';
import { SequenceTracker } from './sequence-tracker.js';

export type FormatChoice = RecordFormat | 'auto';

/** A value's format from its first byte: a JSON object, a MessagePack map, else fixed binary. */
export function detectFormat(value: Uint8Array): RecordFormat {
  const first = value[0];
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
  ) {
    this.positions = positions ?? new Map<number, number>();
  }

  absorb(batch: ConsumedBatch): void {
    for (const record of unpackConsumed(batch.packed)) {
      // The same offset again is a re-delivery, not a duplicate on the topic (one written twice has its own offset).
      const next = this.positions.get(record.partition);
      if (next !== undefined && record.offset < next) {
        this.reread++;
        continue;
      }
      this.positions.set(record.partition, record.offset + 1);
      if (this.startOffsets && record.offset < (this.startOffsets.get(record.partition) ?? 0)) {
        this.skippedOlder++;
        continue;
      }
      let identity;
      try {
        identity = decodeIdentity(this.format === 'auto' ? detectFormat(record.value) : this.format, record.value);
      } catch (err) {
        this.decodeErrors++;
        this.firstDecodeError ??= `partition ${record.partition} offset ${record.offset}: ${(err as Error).message}`;
        continue;
      }
      this.tracker.record(identity.deviceId, identity.seq);
      if (record.key.length === 0) this.keyless++;
      this.partitionCounts.set(record.partition, (this.partitionCounts.get(record.partition) ?? 0) + 1);
      if (this.region) {
        this.region.recordLatencyUs(record.receivedAtUs - identity.sentAtUs);
        this.region.addAcked(1, record.key.length + record.value.length);
      }
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
