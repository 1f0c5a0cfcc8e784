import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadTestingNative } from '../../helpers/native-testing.js';
import { ArrivalSchedule, type ArrivalLaw } from '../../../src/records/arrival.js';
import { BatchBuilder } from '../../../src/records/batch.js';
import { wallClockUs } from '../../../src/runtime.js';

const native = loadTestingNative();

/** A packed batch whose records are due per `law`, starting 30 ms from now. */
function scheduled(law: ArrivalLaw, recordsPerSec: number, records: number): { packed: Buffer; intendedUs: number[] } {
  const schedule = new ArrivalSchedule(law, recordsPerSec, Math.ceil(wallClockUs()) + 30_000, 11);
  const builder = new BatchBuilder();
  const intendedUs: number[] = [];
  for (let i = 0; i < records; i++) {
    const dueUs = schedule.next();
    intendedUs.push(dueUs);
    builder.add(String(i % 100), 10, dueUs);
  }
  return { packed: Buffer.from(builder.view()), intendedUs };
}

const sorted = (values: number[]): number[] => [...values].sort((a, b) => a - b);
const percentile = (values: number[], p: number): number => sorted(values)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;
const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
const gaps = (times: number[]): number[] => times.slice(1).map((time, i) => time - times[i]!);

/** Lateness under which a record counts as on time: above it, the thread was descheduled (a shared 2-core machine). */
const kOnTimeUs = 200;

function check(law: ArrivalLaw, recordsPerSec: number, records: number): { enqueueGaps: number[]; onTimeGaps: number[] } {
  const { packed, intendedUs } = scheduled(law, recordsPerSec, records);
  const { enqueuedAtUs, lateUs } = native.paceForTest(packed);
  assert.is(enqueuedAtUs.length, records);
  // The wall clock read by JS and by the addon is the same clock; allow 1 µs for rounding.
  const early = enqueuedAtUs.filter((at, i) => at < intendedUs[i]! - 1).length;
  assert.is(early, 0, 'no record goes in before its intended time');
  // The lateness the pacer records (on the monotonic clock, saturating at 0) is the lateness the
  // wall clock shows: the enqueue time read right after each record went in, less its intended
  // time. A few µs apart at most (the clock is read after produce), more only for a record whose
  // thread was descheduled between the two reads.
  const apartUs = lateUs.map((late, i) => enqueuedAtUs[i]! - intendedUs[i]! - late);
  assert.ok(Math.min(...apartUs) > -2, `recorded lateness exceeds the wall clock's by ${(-Math.min(...apartUs)).toFixed(2)} µs`);
  const close = apartUs.filter((apart) => apart < 20).length / records;
  assert.ok(close >= 0.99, `${(100 * close).toFixed(1)} % of recorded lateness within 20 µs of the wall clock's`);
  assert.ok(percentile(lateUs, 50) < 150, `median lateness ${percentile(lateUs, 50)} µs`);
  const onTime = lateUs.filter((late) => late < kOnTimeUs).length / records;
  assert.ok(onTime > 0.75, `${(100 * onTime).toFixed(1)} % of records within ${kOnTimeUs} µs of their time`);
  // Gaps between two records that both went in on time: the law itself, without scheduler noise.
  const onTimeGaps = gaps(enqueuedAtUs).filter((_, i) => lateUs[i]! < kOnTimeUs && lateUs[i + 1]! < kOnTimeUs);
  return { enqueueGaps: gaps(enqueuedAtUs), onTimeGaps };
}

test('uniform: each record goes in at its time, gaps of 1/rate (5,000 records at 20,000/s)', () => {
  const { enqueueGaps, onTimeGaps } = check('uniform', 20_000, 5_000);
  const meanGap = mean(enqueueGaps);
  assert.ok(Math.abs(meanGap - 50) < 2, `mean gap ${meanGap} µs, 50 expected`);
  // Not bursts: a burst is records going in back to back (gaps near 0), then a long gap.
  const backToBack = enqueueGaps.filter((gap) => gap < 10).length / enqueueGaps.length;
  assert.ok(backToBack < 0.2, `${(100 * backToBack).toFixed(1)} % of gaps under 10 µs`);
  const onTimeMean = mean(onTimeGaps);
  assert.ok(Math.abs(onTimeMean - 50) < 5, `mean on-time gap ${onTimeMean} µs, 50 expected`);
});

test('uniform at a low rate: sleeps between records, still on time (300 records at 2,000/s)', () => {
  const { onTimeGaps } = check('uniform', 2_000, 300);
  const nearRate = onTimeGaps.filter((gap) => Math.abs(gap - 500) <= 100).length / onTimeGaps.length;
  assert.ok(nearRate > 0.9, `${(100 * nearRate).toFixed(1)} % of on-time gaps within 100 µs of 500 µs`);
});

test('poisson: mean gap 1/rate and a coefficient of variation near 1 (4,000 records at 10,000/s)', () => {
  const { enqueueGaps, onTimeGaps } = check('poisson', 10_000, 4_000);
  const meanGap = mean(enqueueGaps);
  assert.ok(Math.abs(meanGap - 100) < 8, `mean gap ${meanGap} µs, 100 expected`);
  const onTimeMean = mean(onTimeGaps);
  assert.ok(Math.abs(onTimeMean - 100) < 10, `mean on-time gap ${onTimeMean} µs, 100 expected`);
  const cv = Math.sqrt(mean(onTimeGaps.map((gap) => (gap - onTimeMean) ** 2))) / onTimeMean;
  assert.ok(cv > 0.85 && cv < 1.15, `coefficient of variation ${cv.toFixed(3)} over ${onTimeGaps.length} on-time gaps`);
});

test('records already due go in at once, their lateness recorded', () => {
  const builder = new BatchBuilder();
  const longAgoUs = wallClockUs() - 5_000_000;
  for (let i = 0; i < 100; i++) builder.add(String(i), 10, longAgoUs);
  const startedUs = wallClockUs();
  const { enqueuedAtUs, lateUs } = native.paceForTest(Buffer.from(builder.view()));
  assert.ok(enqueuedAtUs[99]! - startedUs < 50_000, 'no waiting for records past due');
  assert.ok(lateUs.every((late) => late >= 4_900_000), `lateness ≈ 5 s: ${lateUs[0]}`);
});

test.run();
