import type { SnapshotSource } from '../../sources/types.js';
import type { EndToEndConsumers } from '../../consume/e2e-group.js';
import { round1, round3 } from '../interval-sampler.js';
import { readAckedTotals } from '../../histogram/snapshots.js';
import type { BacklogReport } from '../../contracts/consumer-modes.js';

/** How often the backlog and the lag are looked at: the resolution of the reported times. */
const kSampleMs = 50;

/**
 * OpenMessaging Benchmark's consumerBacklogSizeGB, without its hang (OMB #334: a backlog that never
 * drains): the e2e consumers join paused (librdkafka pause; they go on polling, so they stay in the
 * group), the producers build the backlog, the consumers resume with the producers still sending,
 * and the time until the lag is back under one interval's worth is measured. Every wait is bounded
 * by the run's own ends: --duration/--records/--timeout for the producers, --drain after them; a lag
 * that never recovered is reported as such.
 */
export class BacklogDrain {
  private timer: NodeJS.Timeout | undefined;
  private goAtMs = 0;
  private resumedAtMs: number | null = null;
  private resumedBecause: BacklogReport['resumedBecause'] = 'never';
  private reached = { bytes: 0, records: 0 };
  private atResume = { consumed: 0, consumedBytes: 0 };
  private caughtUpBelowRecords = 0;
  private recoveredAtMs: number | null = null;
  private atRecovery = { consumed: 0, consumedBytes: 0 };
  private producersEnded = false;

  constructor(
    private readonly askedBytes: number,
    private readonly intervalMs: number,
    private readonly producers: SnapshotSource,
    private readonly e2e: EndToEndConsumers,
    private readonly notice: (text: string) => void,
  ) {}

  /** At go: the consumers are already paused (they joined so); the producers start now. */
  start(): void {
    this.goAtMs = performance.now();
    // A --records run's producers end without being told to stop: their results say so.
    void this.producers.finished.then(() => (this.producersEnded = true));
    this.timer = setInterval(() => this.sample(), kSampleMs);
  }

  private sample(): void {
    const nowMs = performance.now();
    const produced = this.producers.snapshot().counters;
    const consumed = readAckedTotals(this.e2e.regions, this.e2e.slots);
    if (this.resumedAtMs === null) {
      const backlogBytes = produced.ackedBytes - consumed.ackedBytes;
      const producersStopped = this.producers.stopping || this.producersEnded;
      if (backlogBytes < this.askedBytes && !producersStopped) return;
      this.resumedAtMs = nowMs;
      this.resumedBecause = backlogBytes >= this.askedBytes ? 'backlog-reached' : 'producers-stopped';
      this.reached = { bytes: backlogBytes, records: produced.acked - consumed.acked };
      this.atResume = { consumed: consumed.acked, consumedBytes: consumed.ackedBytes };
      // One interval's worth at the rate the producers kept while the backlog built.
      this.caughtUpBelowRecords = Math.max(1, Math.round((produced.acked / Math.max(nowMs - this.goAtMs, 1)) * this.intervalMs));
      this.e2e.setPaused(false);
      const why = this.resumedBecause === 'backlog-reached' ? 'reached' : `not reached (${(backlogBytes / 1e6).toFixed(1)} MB) before the producers stopped`;
      this.notice(`backlog of ${(this.askedBytes / 1e6).toFixed(1)} MB ${why} at ${((nowMs - this.goAtMs) / 1000).toFixed(1)} s: ${this.reached.records} records behind; consumers resumed`);
      return;
    }
    if (this.recoveredAtMs === null && produced.acked - consumed.acked <= this.caughtUpBelowRecords) {
      this.recoveredAtMs = nowMs;
      this.atRecovery = { consumed: consumed.acked, consumedBytes: consumed.ackedBytes };
      this.notice(`backlog drained: lag under ${this.caughtUpBelowRecords} records (one interval's worth) ${((nowMs - this.resumedAtMs) / 1000).toFixed(1)} s after the resume`);
      clearInterval(this.timer);
    }
  }

  /** After the consumers stopped (the run's drain included): the report. */
  finish(producedAcked: number): BacklogReport {
    clearInterval(this.timer);
    const nowMs = performance.now();
    const consumed = readAckedTotals(this.e2e.regions, this.e2e.slots);
    const lagAtEndRecords = Math.max(0, producedAcked - consumed.acked);
    if (this.resumedAtMs !== null && this.recoveredAtMs === null) {
      this.notice(`✗ lag never got back under ${this.caughtUpBelowRecords} records (one interval's worth) after the consumers resumed: ${lagAtEndRecords} records behind when they stopped (the run's --drain bounds the wait)`);
    }
    const endMs = this.recoveredAtMs ?? nowMs;
    const until = this.recoveredAtMs === null ? { consumed: consumed.acked, consumedBytes: consumed.ackedBytes } : this.atRecovery;
    const durationMs = this.resumedAtMs === null ? 0 : Math.max(endMs - this.resumedAtMs, 1);
    const records = until.consumed - this.atResume.consumed;
    const bytes = until.consumedBytes - this.atResume.consumedBytes;
    return {
      askedBytes: this.askedBytes,
      reachedBytes: this.reached.bytes,
      reachedRecords: this.reached.records,
      resumedBecause: this.resumedBecause,
      resumedAtMs: this.resumedAtMs === null ? null : Math.round(this.resumedAtMs - this.goAtMs),
      caughtUpBelowRecords: this.caughtUpBelowRecords,
      recoveryMs: this.recoveredAtMs === null || this.resumedAtMs === null ? null : Math.round(this.recoveredAtMs - this.resumedAtMs),
      drain: {
        records,
        bytes,
        durationMs: Math.round(durationMs),
        recordsPerSec: durationMs === 0 ? 0 : round1(records / (durationMs / 1000)),
        mbPerSec: durationMs === 0 ? 0 : round3(bytes / 1e6 / (durationMs / 1000)),
      },
      lagAtEndRecords,
    };
  }
}
