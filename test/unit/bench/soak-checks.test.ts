import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { judgeSoak } from '../../../bench/soak/checks.js';
import type { IntervalRow, RunResult } from '../../../src/contracts/result.js';

const row = (elapsedMs: number, recordsPerSec: number, phase: IntervalRow['phase'] = 'measure'): IntervalRow =>
  ({ elapsedMs, phase, recordsPerSec, mbPerSec: 0, p50Us: 0, p99Us: 0, maxUs: 0, errors: 0, backpressureWaits: 0, totalSent: 0, totalAcked: 0 });
const result = (rows: IntervalRow[], errors = 0): RunResult =>
  ({ workload: { rateRecordsPerSec: 1000 }, totals: { errors }, failures: [], intervals: rows }) as unknown as RunResult;
const mib = (n: number): number => n * 2 ** 20;

test('a steady soak passes all three checks; warmup, drain and the last partial interval are not judged', () => {
  const rows = [row(1000, 100, 'warmup'), row(2000, 990), row(3000, 1040), row(4000, 300), row(5000, 200, 'drain')];
  const rss = [{ atMs: 0, rssBytes: mib(50) }, { atMs: 60_000, rssBytes: mib(200) }, { atMs: 600_000, rssBytes: mib(215) }];
  assert.equal(judgeSoak(result(rows), rss, 60_000).map((check) => check.pass), [true, true, true]);
});

test('RSS growing more than 10 % after settling, an error, or an interval 6 % off fails its check', () => {
  const rss = [{ atMs: 60_000, rssBytes: mib(200) }, { atMs: 600_000, rssBytes: mib(230) }];
  const checks = judgeSoak(result([row(1000, 940), row(2000, 1000), row(3000, 1000)], 1), rss, 60_000);
  assert.equal(checks.map((check) => check.pass), [false, false, false]);
  assert.match(checks[0]!.observed, /200\.0 MiB → peak 230\.0 MiB \(15\.0 %\)/);
  assert.match(checks[2]!.observed, /1 of 2 intervals outside; farthest 6\.0 %/);
});

test.run();
