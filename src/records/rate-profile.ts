/**
 * A rate that changes over time, as a load schedule asks: segments, each ramping linearly from one
 * rate to another over its duration (a step is a segment whose two rates are equal). The arrival
 * schedule asks it the inverse of its cumulative count: when the integrated rate reaches x records.
 */
export interface RateSegment {
  durationMs: number;
  fromRecordsPerSec: number;
  toRecordsPerSec: number;
}

export class RateProfile {
  /** records due by the start of each segment, and by the end of the last (one more entry) */
  private readonly startCounts: number[] = [0];
  private readonly startsSec: number[] = [0];

  constructor(readonly segments: readonly RateSegment[]) {
    for (const segment of segments) {
      const seconds = segment.durationMs / 1000;
      this.startsSec.push(this.startsSec.at(-1)! + seconds);
      this.startCounts.push(this.startCounts.at(-1)! + ((segment.fromRecordsPerSec + segment.toRecordsPerSec) / 2) * seconds);
    }
  }

  /** A constant rate for ever: what a fixed --rate is. */
  static constant(recordsPerSec: number): RateProfile {
    return new RateProfile([{ durationMs: Number.POSITIVE_INFINITY, fromRecordsPerSec: recordsPerSec, toRecordsPerSec: recordsPerSec }]);
  }

  /** Every rate times `share` (a worker's part of the total). */
  scaled(share: number): RateProfile {
    return new RateProfile(this.segments.map((s) => ({ durationMs: s.durationMs, fromRecordsPerSec: s.fromRecordsPerSec * share, toRecordsPerSec: s.toRecordsPerSec * share })));
  }

  /** This profile after a constant-rate lead-in of `durationMs` (the warmup). */
  after(durationMs: number, recordsPerSec: number): RateProfile {
    if (durationMs <= 0) return this;
    return new RateProfile([{ durationMs, fromRecordsPerSec: recordsPerSec, toRecordsPerSec: recordsPerSec }, ...this.segments]);
  }

  /** Records due in all (Infinity for a constant rate). */
  get totalRecords(): number {
    return this.startCounts.at(-1)!;
  }

  /** The integrated rate: records due from the start until `offsetMs`. */
  countAt(offsetMs: number): number {
    const sec = offsetMs / 1000;
    for (let k = 0; k < this.segments.length; k++) {
      const endSec = this.startsSec[k + 1]!;
      if (sec >= endSec) continue;
      const t = Math.max(0, sec - this.startsSec[k]!);
      const { a, b } = this.line(k);
      return this.startCounts[k]! + a * t + (b * t * t) / 2;
    }
    return this.totalRecords;
  }

  /** The asked rate at `offsetMs` (0 past the end). */
  rateAt(offsetMs: number): number {
    const sec = offsetMs / 1000;
    for (let k = 0; k < this.segments.length; k++) {
      if (sec >= this.startsSec[k + 1]!) continue;
      const { a, b } = this.line(k);
      return a + b * Math.max(0, sec - this.startsSec[k]!);
    }
    return 0;
  }

  /**
   * When the integrated rate reaches `count` records, µs from the start; Infinity when it never does.
   * A zero-rate segment adds nothing to the count, so no record falls in it: the next is due after.
   */
  offsetUsOf(count: number): number {
    for (let k = 0; k < this.segments.length; k++) {
      // Strictly: a count reached exactly at a segment's end belongs to the first segment that adds to it.
      if (!(this.startCounts[k + 1]! > count)) continue;
      const y = count - this.startCounts[k]!;
      const { a, b } = this.line(k);
      // a·t + b·t²/2 = y, solved in the form that stays exact when b is 0 or tiny:
      // t = 2y / (a + √(a² + 2by)).
      const root = Math.sqrt(Math.max(0, a * a + 2 * b * y));
      const t = y <= 0 ? 0 : (2 * y) / (a + root);
      return (this.startsSec[k]! + t) * 1e6;
    }
    return Number.POSITIVE_INFINITY;
  }

  /** Segment k's rate as a + b·t, t seconds into it. */
  private line(k: number): { a: number; b: number } {
    const s = this.segments[k]!;
    const seconds = s.durationMs / 1000;
    return { a: s.fromRecordsPerSec, b: Number.isFinite(seconds) && seconds > 0 ? (s.toRecordsPerSec - s.fromRecordsPerSec) / seconds : 0 };
  }
}
