/**
 * When each record of a fixed-rate run is due, for open-loop latency. Times come from a count, never from
 * accumulated sleeps (wrk2's rule), so a sender that falls behind does not shift the schedule:
 * uniform record n is due at start + n / rate; Poisson records at start plus the running sum of
 * seeded exponential gaps of mean 1 / rate, as independent devices send.
 *
 * Under a load schedule (a RateProfile) the same count is mapped through the inverse of the
 * schedule's integrated rate: uniform record n is due when the integral reaches n; Poisson arrivals
 * are the unit-rate process's arrival times mapped the same way (a non-homogeneous Poisson process
 * by time change), so both laws follow the schedule and stay reproducible from the seed.
 */
import type { RateProfile } from './rate-profile.js';

export const ARRIVAL_LAWS = ['uniform', 'poisson'] as const;
export type ArrivalLaw = (typeof ARRIVAL_LAWS)[number];

export class ArrivalSchedule {
  /** the fixed rate; under a schedule, its rate at the start */
  readonly recordsPerSec: number;
  private index = 0;
  /** Poisson: offset of the next record from the start, µs (a sum kept relative to the start, so
   *  its float error stays that of a run's length, not of an epoch timestamp). */
  private nextOffsetUs = 0;
  private state: number;
  private readonly gapUs: number;
  /** under a load schedule: its integrated rate; undefined at a fixed rate */
  private readonly profile: RateProfile | undefined;
  /** Poisson under a schedule: the unit-rate process's time of the next record (a count) */
  private nextUnitCount = 0;

  constructor(
    readonly law: ArrivalLaw,
    rate: number | RateProfile,
    /** wall clock, µs since the Unix epoch, when record 0 is due */
    readonly startUs: number,
    seed: number,
  ) {
    this.profile = typeof rate === 'number' ? undefined : rate;
    // At a fixed rate the gap is exact (1e6 / rate), so uniform times are integers where they can be.
    const recordsPerSec = typeof rate === 'number' ? rate : rate.rateAt(0);
    if (typeof rate === 'number' && !(rate > 0)) throw new RangeError(`recordsPerSec must be positive (got ${rate})`);
    this.recordsPerSec = recordsPerSec;
    this.gapUs = recordsPerSec > 0 ? 1e6 / recordsPerSec : Number.POSITIVE_INFINITY;
    this.state = (seed ^ 0x5bd1e995) >>> 0;
  }

  /** Records already taken with next(). */
  get taken(): number {
    return this.index;
  }

  /**
   * Intended send time of the next record, without taking it: wall clock, whole µs (rounded up, so
   * the time a record carries in its value and the time it is paced to are the same integer).
   */
  peekUs(): number {
    if (this.profile !== undefined) {
      const offsetUs = this.profile.offsetUsOf(this.law === 'uniform' ? this.index : this.nextUnitCount);
      // Float noise (60.000000001 µs) is not a µs late.
      return Math.ceil(this.startUs + offsetUs - 1e-6);
    }
    return Math.ceil(this.startUs + (this.law === 'uniform' ? this.index * this.gapUs : this.nextOffsetUs));
  }

  /**
   * The rate this schedule actually made due so far: records taken ÷ the time until the next one is
   * due. Exactly recordsPerSec for uniform; for Poisson the realised rate, which over N records
   * strays from the asked one by about 1/√N (1 % at 10,000 records).
   */
  realizedRecordsPerSec(): number {
    if (this.profile !== undefined) return this.recordsPerSec; // not used: a schedule is judged by its integral
    const spanUs = this.peekUs() - this.startUs;
    return this.index === 0 || spanUs <= 0 ? this.recordsPerSec : (this.index * 1e6) / spanUs;
  }

  /** Whether a schedule has no record left to make due (never at a fixed rate). */
  get exhausted(): boolean {
    return this.peekUs() === Number.POSITIVE_INFINITY;
  }

  /** Intended send time (wall µs) of the next record; takes it. */
  next(): number {
    const dueUs = this.peekUs();
    this.index++;
    // -ln(1 − U) with U in [0, 1): an exponential gap, never infinite.
    if (this.law === 'poisson') {
      const unitGap = -Math.log(1 - this.random());
      if (this.profile !== undefined) this.nextUnitCount += unitGap;
      else this.nextOffsetUs += unitGap * this.gapUs;
    }
    return dueUs;
  }

  /** mulberry32, as the device simulator uses: reproducible from the seed. */
  private random(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
