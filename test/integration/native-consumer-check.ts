// What native-consumer.test.ts checks of every consumed record, in the main thread or a worker.
import { unpackConsumed } from '../../src/clients/native-consumer.js';
import { decodeIdentity, type RecordFormat } from '../../src/records/codec.js';
import { SequenceTracker } from '../../src/verify/sequence-tracker.js';

export interface CheckSummary {
  records: number;
  /** partitions records came from, sorted */
  partitions: number[];
  /** records whose offset was not above the previous one of their partition */
  offsetRegressions: number;
  /** records received (wall clock) before the producer stamped them */
  receivedBeforeSent: number;
  /** records whose key is not the decimal device id */
  keyMismatches: number;
  minLatencyUs: number;
  maxLatencyUs: number;
  meanLatencyUs: number;
}

export class ConsumedChecker {
  readonly tracker = new SequenceTracker();
  private readonly lastOffset = new Map<number, number>();
  private records = 0;
  private offsetRegressions = 0;
  private receivedBeforeSent = 0;
  private keyMismatches = 0;
  private minLatencyUs = Infinity;
  private maxLatencyUs = -Infinity;
  private latencySumUs = 0;

  constructor(private readonly format: RecordFormat) {}

  add(packed: Buffer): void {
    for (const { key, value, partition, offset, receivedAtUs } of unpackConsumed(packed)) {
      const { deviceId, seq, sentAtUs } = decodeIdentity(this.format, value);
      this.records++;
      this.tracker.record(deviceId, seq);
      if (offset <= (this.lastOffset.get(partition) ?? -1)) this.offsetRegressions++;
      this.lastOffset.set(partition, offset);
      const latencyUs = receivedAtUs - sentAtUs;
      if (latencyUs < 0) this.receivedBeforeSent++;
      this.minLatencyUs = Math.min(this.minLatencyUs, latencyUs);
      this.maxLatencyUs = Math.max(this.maxLatencyUs, latencyUs);
      this.latencySumUs += latencyUs;
      if (key.toString('latin1') !== String(deviceId)) this.keyMismatches++;
    }
  }

  /** The offset this consumer would read next in `partition` (`low` when it has read none). */
  nextOffset(partition: number, low: number): number {
    const last = this.lastOffset.get(partition);
    return last === undefined ? low : last + 1;
  }

  summary(): CheckSummary {
    return {
      records: this.records,
      partitions: [...this.lastOffset.keys()].sort((a, b) => a - b),
      offsetRegressions: this.offsetRegressions,
      receivedBeforeSent: this.receivedBeforeSent,
      keyMismatches: this.keyMismatches,
      minLatencyUs: this.minLatencyUs,
      maxLatencyUs: this.maxLatencyUs,
      meanLatencyUs: this.records > 0 ? this.latencySumUs / this.records : 0,
    };
  }
}
