import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArrivalSchedule } from '../../../src/records/arrival.js';
import { RateProfile } from '../../../src/records/rate-profile.js';

const startUs = 1_750_000_000_000_000;

/** Intended times (µs from the start) of every record the schedule makes due. */
function dueTimesUs(schedule: ArrivalSchedule): number[] {
  const times: number[] = [];
  while (!schedule.exhausted && times.length < 1_000_000) times.push(schedule.next() - startUs);
  return times;
}

/** Records due in each window of `windowMs`, against the profile's integral over that window. */
function assertCountsFollowIntegral(profile: RateProfile, times: number[], windowMs: number, tolerance: (expected: number) => number): void {
  const totalMs = profile.segments.reduce((sum, s) => sum + s.durationMs, 0);
  for (let fromMs = 0; fromMs < totalMs; fromMs += windowMs) {
    const toMs = fromMs + windowMs;
    const expected = profile.countAt(toMs) - profile.countAt(fromMs);
    const counted = times.filter((us) => us >= fromMs * 1000 && us < toMs * 1000).length;
    assert.ok(Math.abs(counted - expected) <= tolerance(expected), `${counted} records due in [${fromMs}, ${toMs}) ms, the integral says ${expected.toFixed(1)}`);
  }
}

const ramp = new RateProfile([
  { durationMs: 2_000, fromRecordsPerSec: 0, toRecordsPerSec: 10_000 },
  { durationMs: 1_000, fromRecordsPerSec: 10_000, toRecordsPerSec: 10_000 },
  { durationMs: 1_000, fromRecordsPerSec: 10_000, toRecordsPerSec: 2_000 },
]);
const stairs = new RateProfile([1_000, 2_000, 0, 3_000].map((level) => ({ durationMs: 1_000, fromRecordsPerSec: level, toRecordsPerSec: level })));

test('the integral: a ramp counts (from + to) / 2 × its time, a stair level × its hold', () => {
  assert.is(ramp.countAt(2_000), 10_000);
  assert.is(ramp.countAt(1_000), 2_500, 'a ramp from 0 is quadratic: a quarter of its count in its first half');
  assert.is(ramp.totalRecords, 10_000 + 10_000 + 6_000);
  assert.is(stairs.totalRecords, 6_000);
  assert.is(stairs.rateAt(2_500), 0);
  assert.is(ramp.offsetUsOf(2_500), 1_000_000);
  assert.is(stairs.offsetUsOf(3_000), 3_000_000, 'the record after a zero-rate level is due when it ends');
  assert.is(stairs.offsetUsOf(6_000), Number.POSITIVE_INFINITY, 'past the end: never');
});

test('uniform arrivals follow a ramp\'s integrated rate: every 100 ms window within one record of the integral', () => {
  const times = dueTimesUs(new ArrivalSchedule('uniform', ramp, startUs, 1));
  assert.is(times.length, ramp.totalRecords);
  assertCountsFollowIntegral(ramp, times, 100, () => 1);
  assert.ok(times.every((us, i) => i === 0 || us >= times[i - 1]!), 'in order');
});

test('uniform arrivals follow stairs, and a zero-rate level sends nothing and resumes after', () => {
  const times = dueTimesUs(new ArrivalSchedule('uniform', stairs, startUs, 1));
  assert.is(times.length, 6_000);
  assertCountsFollowIntegral(stairs, times, 250, () => 1);
  assert.is(times.filter((us) => us >= 2_000_000 && us < 3_000_000).length, 0);
  assert.is(times[3_000], 3_000_000);
});

test('Poisson arrivals under a schedule: counts per window within 4 σ of the integral, reproducible from the seed', () => {
  const times = dueTimesUs(new ArrivalSchedule('poisson', ramp, startUs, 9));
  assertCountsFollowIntegral(ramp, times, 500, (expected) => 4 * Math.sqrt(expected) + 1);
  const stairTimes = dueTimesUs(new ArrivalSchedule('poisson', stairs, startUs, 9));
  assertCountsFollowIntegral(stairs, stairTimes, 1_000, (expected) => 4 * Math.sqrt(expected) + 1);
  assert.is(stairTimes.filter((us) => us >= 2_000_000 && us < 3_000_000).length, 0, 'nothing due at rate 0');
  assert.equal(dueTimesUs(new ArrivalSchedule('poisson', stairs, startUs, 9)), stairTimes);
});

test('a worker\'s part: warmup at the first level, then the schedule scaled by its share', () => {
  const part = stairs.after(500, 1_000).scaled(0.25);
  assert.is(part.countAt(500), 125);
  assert.is(part.totalRecords, 125 + 1_500);
  assert.is(part.rateAt(600), 250);
});

test.run();
