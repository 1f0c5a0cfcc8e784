import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArrivalSchedule } from '../../../src/records/arrival.js';

const startUs = 1_750_000_000_000_000;

function gapsOf(schedule: ArrivalSchedule, records: number): number[] {
  const times = Array.from({ length: records }, () => schedule.next());
  return times.slice(1).map((time, i) => time - times[i]!);
}

const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
const coefficientOfVariation = (values: number[]): number => {
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, value) => sum + (value - m) ** 2, 0) / values.length) / m;
};

test('uniform: record n is due at start + n / rate, in whole µs, rounded up', () => {
  const schedule = new ArrivalSchedule('uniform', 3_000, startUs, 1);
  assert.is(schedule.peekUs(), startUs);
  assert.is(schedule.next(), startUs);
  assert.is(schedule.next(), startUs + 334); // 333.3… rounded up
  for (let i = 2; i < 3_000; i++) schedule.next();
  assert.is(schedule.taken, 3_000);
  assert.is(schedule.peekUs(), startUs + 1_000_000, 'no drift after a second of records');
  const gaps = gapsOf(new ArrivalSchedule('uniform', 50_000, startUs, 1), 5_000);
  assert.ok(gaps.every((gap) => gap === 20), 'gaps of exactly 1/rate');
});

test('poisson: mean gap 1/rate, coefficient of variation near 1, reproducible from the seed', () => {
  const gaps = gapsOf(new ArrivalSchedule('poisson', 10_000, startUs, 7), 20_000);
  assert.ok(Math.abs(mean(gaps) - 100) < 3, `mean gap ${mean(gaps)} µs, 100 expected`);
  const cv = coefficientOfVariation(gaps);
  assert.ok(cv > 0.95 && cv < 1.05, `coefficient of variation ${cv}`);
  assert.ok(gaps.every((gap) => gap >= 0), 'never out of order');
  assert.equal(gapsOf(new ArrivalSchedule('poisson', 10_000, startUs, 7), 100), gaps.slice(0, 99));
  assert.not.equal(gapsOf(new ArrivalSchedule('poisson', 10_000, startUs, 8), 100), gaps.slice(0, 99));
});

test('the realised rate: exactly the asked one for uniform, within ~1/√N of it for Poisson', () => {
  const uniform = new ArrivalSchedule('uniform', 3_000, startUs, 1);
  assert.is(uniform.realizedRecordsPerSec(), 3_000, 'before any record');
  for (let i = 0; i < 9_000; i++) uniform.next();
  assert.ok(Math.abs(uniform.realizedRecordsPerSec() - 3_000) < 0.5, String(uniform.realizedRecordsPerSec()));
  const poisson = new ArrivalSchedule('poisson', 2_000, startUs, 5);
  for (let i = 0; i < 8_000; i++) poisson.next();
  const realised = poisson.realizedRecordsPerSec();
  assert.ok(Math.abs(realised - 2_000) < 2_000 * (3 / Math.sqrt(8_000)), `realised ${realised} rec/s`);
  assert.ok(realised !== 2_000);
});

test('peek does not take a record', () => {
  const schedule = new ArrivalSchedule('poisson', 1_000, startUs, 3);
  const peeked = schedule.peekUs();
  assert.is(schedule.peekUs(), peeked);
  assert.is(schedule.next(), peeked);
  assert.ok(schedule.peekUs() >= peeked);
});

test('a rate must be positive', () => {
  assert.throws(() => new ArrivalSchedule('uniform', 0, startUs, 1), /recordsPerSec must be positive/);
});

test.run();
