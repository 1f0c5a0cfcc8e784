import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findStalls, judgeAvailability } from '../../../src/verdicts/availability.js';
import type { IntervalRow } from '../../../src/contracts/result.js';

/** Rows of 1 s from per-interval (sent, acked, failed) counts, totals accumulated as the sampler does. */
function rows(perInterval: [sent: number, acked: number, failed?: number][]): IntervalRow[] {
  let totalSent = 0;
  let totalAcked = 0;
  return perInterval.map(([sent, acked, failed = 0], index) => {
    totalSent += sent;
    totalAcked += acked;
    return { elapsedMs: (index + 1) * 1000, phase: 'measure', recordsPerSec: acked, mbPerSec: 0, p50Us: 0, p99Us: 0, maxUs: 0, errors: failed, backpressureWaits: 0, totalSent, totalAcked };
  });
}

test('a steady run has no stall', () => {
  assert.equal(findStalls(rows([[1000, 990], [1000, 1000], [1000, 1010]])), []);
});

test('intervals with no ack while records were outstanding are one stall, with its recovery', () => {
  // 1,000/s; the broker goes away during second 3 and is back during second 7 (a burst of the queued ones).
  const run = rows([[1000, 1000], [1000, 1000], [1000, 400], [1000, 0], [1000, 0], [1000, 0], [1000, 3600], [1000, 1000]]);
  const availability = judgeAvailability(run, 1000, []);
  assert.equal(availability.stalls, [{ startMs: 3000, endMs: 6000, recoveryMs: 1000 }]);
  assert.is(availability.longestStallMs, 3000);
  assert.is(availability.recoveryMs, 1000);
  assert.is(availability.retries, null, 'no client said');
});

test('recovery waits for 90 % of the rate before the stall, and is null when it never comes', () => {
  // Before: 1,000, 1,000, 900 (mean 966.7; 90 % of it 870).
  const slow = rows([[1000, 1000], [1000, 1000], [1000, 900], [1000, 0], [1000, 500], [1000, 800], [1000, 950]]);
  assert.equal(findStalls(slow), [{ startMs: 3000, endMs: 4000, recoveryMs: 3000 }]);
  const never = rows([[1000, 900], [1000, 0], [1000, 100]]);
  assert.equal(findStalls(never), [{ startMs: 1000, endMs: 2000, recoveryMs: null }]);
});

test('no ack with nothing outstanding is idle, not a stall; failed records are not outstanding', () => {
  assert.equal(findStalls(rows([[100, 100], [0, 0], [0, 0], [100, 100]])), []);
  // Every record of the first second failed: nothing left waiting in the second.
  assert.equal(findStalls(rows([[100, 0, 100], [0, 0], [100, 100]])), []);
});

test('two stalls are two, and the longest one is reported', () => {
  const run = rows([[10, 5], [10, 0], [10, 25], [10, 5], [10, 0], [10, 0], [10, 35]]);
  const availability = judgeAvailability(run, 1000, []);
  assert.equal(availability.stalls.map((stall) => [stall.startMs, stall.endMs]), [[1000, 2000], [4000, 6000]]);
  assert.is(availability.longestStallMs, 2000);
});

test('errors by code and retries are summed over producers; a producer that cannot tell is left out', () => {
  const availability = judgeAvailability(rows([[10, 10]]), 1000, [
    { errorsByCode: { _MSG_TIMED_OUT: 5, NOT_ENOUGH_REPLICAS: 1 }, retries: 7 },
    undefined,
    { errorsByCode: { _MSG_TIMED_OUT: 2 }, retries: 3 },
  ]);
  assert.equal(availability.errorsByCode, { _MSG_TIMED_OUT: 7, NOT_ENOUGH_REPLICAS: 1 });
  assert.is(availability.retries, 10);
});

test.run();
