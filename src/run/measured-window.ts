import { zeroSnapshot } from '../histogram/merge.js';
import type { Workload } from '../options/workload-shape.js';

/** The part of the workload that says when a run is measured and when it ends. */
export type RunSchedule = Pick<Workload, 'intervalMs' | 'warmupMs' | 'durationMs' | 'records' | 'timeoutMs' | 'drainMs' | 'loadSchedule'>;
import type { RegionSnapshot } from '../shared/region.js';
import type { SnapshotSource } from '../sources/types.js';
import { FullTimeout } from './full-timeout.js';

/**
 * A run's measured window and the timers that end it: warmup (then the window opens with its own
 * snapshot), --duration counted from that moment (so the window is never shorter than asked), and
 * --timeout over a --records run, warmup included.
 */
export class MeasuredWindow {
  /** cumulative snapshot when the window opened (zero when it opened at go); undefined while warming up */
  baseline: RegionSnapshot | undefined;
  measuredFromMs: number;
  private stopTimer: FullTimeout | undefined;
  private readonly warmupTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly timeoutTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly source: SnapshotSource,
    private readonly schedule: RunSchedule,
    private readonly startedAtMs: number,
    private readonly on: { opened(atGo: boolean): void; stop(why: 'ok' | 'timed-out'): void },
  ) {
    this.measuredFromMs = startedAtMs;
    this.warmupTimer = schedule.warmupMs > 0 ? setTimeout(() => this.open(false), schedule.warmupMs) : undefined;
    if (this.warmupTimer === undefined) this.open(true);
    this.timeoutTimer = schedule.records === undefined ? undefined : setTimeout(() => on.stop('timed-out'), schedule.timeoutMs);
  }

  get warmingUp(): boolean {
    return this.baseline === undefined;
  }

  private open(atGo: boolean): void {
    // Without warmup everything since go counts: nothing was sent before it.
    this.baseline = atGo ? zeroSnapshot() : this.source.snapshot();
    this.measuredFromMs = atGo ? this.startedAtMs : performance.now();
    this.on.opened(atGo);
    if (this.schedule.records === undefined) this.stopTimer = new FullTimeout(this.schedule.durationMs - (performance.now() - this.measuredFromMs), () => this.on.stop('ok'));
  }

  /**
   * Closes the window at the producers' end. A run that ended before its warmup did is measured from
   * the start rather than not at all; a source whose producers stamped their own warmup-end snapshot
   * (remote agents) gives the exact baseline.
   */
  close(finishedAtMs: number): { baseline: RegionSnapshot | undefined; durationMs: number } {
    this.clear();
    const baseline = this.baseline !== undefined && this.schedule.warmupMs > 0 ? (this.source.warmupBaseline?.() ?? this.baseline) : this.baseline;
    return { baseline, durationMs: Math.max(1, finishedAtMs - (this.baseline === undefined ? this.startedAtMs : this.measuredFromMs)) };
  }

  clear(): void {
    this.stopTimer?.clear();
    clearTimeout(this.warmupTimer);
    clearTimeout(this.timeoutTimer);
  }
}
