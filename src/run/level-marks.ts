import type { LoadSchedule } from '../options/schedule.js';
import type { RegionSnapshot } from '../shared/region.js';

/** The cumulative snapshots at one boundary of a load schedule. */
export interface LevelMark {
  /** performance.now() when they were read */
  atMs: number;
  produced: RegionSnapshot;
  publishDelays: RegionSnapshot;
  consumed: RegionSnapshot | undefined;
}

/**
 * Reads every cumulative snapshot at each boundary between two segments of a load schedule, on the
 * coordinator's clock, from the run's go plus the warmup: a segment's counts and histograms are then
 * the difference of its two boundaries, exact (nothing is reset or averaged).
 */
export class LevelMarks {
  readonly inner: LevelMark[] = [];
  private readonly timers: ReturnType<typeof setTimeout>[] = [];

  constructor(schedule: LoadSchedule, warmupMs: number, startedAtMs: number, read: () => LevelMark) {
    let boundaryMs = startedAtMs + warmupMs;
    for (const segment of schedule.segments.slice(0, -1)) {
      boundaryMs += segment.durationMs;
      const atMs = boundaryMs;
      this.timers.push(setTimeout(() => this.inner.push(read()), Math.max(0, atMs - performance.now())));
    }
  }

  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }
}
