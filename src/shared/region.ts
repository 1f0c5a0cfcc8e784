import { clampUs, countsIndexOf } from './buckets.js';
import { kAckedBytesSlot, kAckedSlot, kBackpressureSlot, kBlockedMicrosSlot, kClampedSlot, kCountsLength, kCountsSlot, kDoneSlot, kFailedSlot, kHighestTrackableUs, kNegativeCountSlot, kNegativeSumUsSlot, kRegionBytes, kRegionSlots, kSendMicrosSlot, kSentSlot } from './layout.js';

/** The one writer of a worker's region: only that worker's thread (or its native client) calls these. */
export class RegionWriter {
  private readonly slots: Float64Array;

  constructor(buffer: SharedArrayBuffer, workerIndex: number) {
    this.slots = new Float64Array(buffer, workerIndex * kRegionBytes, kRegionSlots);
  }

  /** The region itself, for a native client that writes its own slots (the ack side). */
  get view(): Float64Array {
    return this.slots;
  }

  addSent(records: number): void {
    this.slots[kSentSlot]! += records;
  }

  addAcked(records: number, bytes: number): void {
    this.slots[kAckedBytesSlot]! += bytes;
    this.slots[kAckedSlot]! += records;
  }

  addFailed(records: number): void {
    this.slots[kFailedSlot]! += records;
  }

  addSendMicros(micros: number): void {
    this.slots[kSendMicrosSlot]! += micros;
  }

  addBackpressure(): void {
    this.slots[kBackpressureSlot]! += 1;
  }

  /** Time a sender sat blocked on a full client queue. */
  addBlockedMicros(micros: number): void {
    this.slots[kBlockedMicrosSlot]! += micros;
  }

  /**
   * Records `count` latencies of `latencyUs` each; values past an hour are clamped and counted.
   * Values below zero are counted beside the histogram (count and summed magnitude), never
   * recorded as 0: a negative latency means a clock stepped or two hosts disagree, and must show.
   */
  recordLatencyUs(latencyUs: number, count = 1): void {
    if (latencyUs < 0) {
      this.slots[kNegativeCountSlot]! += count;
      this.slots[kNegativeSumUsSlot]! -= latencyUs * count;
      return;
    }
    if (latencyUs > kHighestTrackableUs) this.slots[kClampedSlot]! += count;
    this.slots[kCountsSlot + countsIndexOf(clampUs(latencyUs))]! += count;
  }

  markDone(): void {
    this.slots[kDoneSlot] = 1;
  }
}

export interface RegionCounters {
  sent: number;
  acked: number;
  failed: number;
  ackedBytes: number;
  backpressureWaits: number;
  clampedLatencies: number;
  sendMicros: number;
  /** latencies below zero, kept out of the histogram */
  negativeLatencies: number;
  /** sum of their magnitudes, µs */
  negativeSumUs: number;
  /** µs senders sat blocked on a full client queue */
  blockedMicros: number;
  done: boolean;
}

/** A copy of one moment of a region: counters and histogram counts, cumulative since the start. */
export interface RegionSnapshot {
  counters: RegionCounters;
  counts: Float64Array;
}

export function readRegion(buffer: SharedArrayBuffer, workerIndex: number): RegionSnapshot {
  const slots = new Float64Array(buffer, workerIndex * kRegionBytes, kRegionSlots);
  // Counts first, counters after: a latency is recorded before its ack is counted, so a snapshot
  // never shows more acks than latencies it has seen.
  const counts = slots.slice(kCountsSlot, kCountsSlot + kCountsLength);
  return {
    counts,
    counters: {
      sent: slots[kSentSlot]!,
      acked: slots[kAckedSlot]!,
      failed: slots[kFailedSlot]!,
      ackedBytes: slots[kAckedBytesSlot]!,
      backpressureWaits: slots[kBackpressureSlot]!,
      clampedLatencies: slots[kClampedSlot]!,
      sendMicros: slots[kSendMicrosSlot]!,
      negativeLatencies: slots[kNegativeCountSlot]!,
      negativeSumUs: slots[kNegativeSumUsSlot]!,
      blockedMicros: slots[kBlockedMicrosSlot]!,
      done: slots[kDoneSlot] === 1,
    },
  };
}
