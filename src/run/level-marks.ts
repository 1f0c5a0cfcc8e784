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
  /** the measured window's opening: the first level's start */
  private opening: LevelMark | undefined;
  private readonly timers: ReturnType<typeof setTimeout>[] = [];

  constructor(
    schedule: LoadSchedule,
    warmupMs: number,
    private readonly startedAtMs: number,
    private readonly read: () => LevelMark,
  ) {
    let boundaryMs = startedAtMs + warmupMs;
    for (const segment of schedule.segments.slice(0, -1)) {
      boundaryMs += segment.durationMs;
      const atMs = boundaryMs;
      this.timers.push(setTimeout(() => this.inner.push(read()), Math.max(0, atMs - performance.now())));
    }
  }

  /**
   * The measured window opened, from `baseline` (its own snapshot, so the levels sum to its total);
   * at go, nothing was sent before it.
   */
  open(baseline: RegionSnapshot, atGo: boolean): void {
    const now = this.read();
    this.opening = atGo ? { ...now, atMs: this.startedAtMs, produced: baseline, publishDelays: baseline } : { ...now, produced: baseline };
  }

  /** The opening, the boundaries reached before `end`, and `end`; times from go. Undefined when the window never opened. */
  series(end: LevelMark): LevelMark[] | undefined {
    if (this.opening === undefined) return undefined;
    const marks = [this.opening, ...this.inner.filter((mark) => mark.atMs < end.atMs), end];
    return marks.map((mark) => ({ ...mark, atMs: mark.atMs - this.startedAtMs }));
  }

  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }
}
