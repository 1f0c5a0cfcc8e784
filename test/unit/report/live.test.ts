import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { liveLine } from '../../../src/report/live.js';
import type { IntervalRow } from '../../../src/contracts/result.js';

const row: IntervalRow = { elapsedMs: 12_000, phase: 'measure', recordsPerSec: 612_330, mbPerSec: 58.4, p50Us: 900, p99Us: 3410, maxUs: 9000, errors: 0, backpressureWaits: 0, totalSent: 7_120_000, totalAcked: 7_120_000 };

test('the live line shows the process CPU and names generator-bound threads', () => {
  const line = liveLine({ ...row, processCpuCores: 1.5234, boundThreads: [0, 2] });
  assert.match(line, /^\[ +12 s\] measure/);
  assert.match(line, /cpu 1\.52 cores {2}generator-bound: thread 0, 2$/);
});

test('no generator columns (an older result, a remote source): nothing extra', () => {
  assert.not.match(liveLine(row), /cpu|generator/);
  assert.not.match(liveLine({ ...row, processCpuCores: 0.5, boundThreads: [] }), /generator/);
});

test.run();
