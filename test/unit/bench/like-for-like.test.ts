import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readChildCpuSeconds, wrapForChildCpu } from '../../../bench/max/child-cpu.js';
import { bestSingleThread, cpuPerMillion, likeForLikeRatios, renderWholeProcess, spreadOf, spreadRow, wholeProcessOf } from '../../../bench/max/like-for-like.js';
import type { ToolResult } from '../../../bench/max/types.js';

const run = (recordsPerSec: number, toolSeconds: number, records: number, extra: Partial<ToolResult> = {}): ToolResult => ({
  tool: 't',
  recordsPerSec,
  mbPerSec: 0,
  p50Ms: null,
  p99Ms: null,
  records,
  wallMs: 1000,
  cpu: { toolCores: toolSeconds, toolSeconds, brokerCores: 0.5, brokerSeconds: 1, machineBusyCores: 2, machineCores: 2 },
  command: 't',
  ...extra,
});

test('spread: min, median (middle pair averaged) and max', () => {
  assert.equal(spreadOf([5, 1, 3]), { min: 1, median: 3, max: 5 });
  assert.equal(spreadOf([4, 1, 3, 2]), { min: 1, median: 2.5, max: 4 });
  assert.is(spreadOf([]), null);
});

test('CPU per million acked records, from the tool\'s whole-life CPU and every record it acked', () => {
  assert.is(cpuPerMillion(2.5, 5_000_000), 0.5);
  assert.is(cpuPerMillion(undefined, 5), null);
  assert.is(cpuPerMillion(1, 0), null);
  // stampede's rows count warmup records too (ackedTotal), since its CPU includes the warmup.
  const row = spreadRow('stampede', [run(500_000, 3, 4_000_000, { ackedTotal: 6_000_000 }), run(0, 1, 0, { error: 'exit 1' })]);
  assert.is(row.runs, 1);
  assert.is(row.failed, 1);
  assert.equal(row.cpuSecPerMillion, { min: 0.5, median: 0.5, max: 0.5 });
  assert.equal(row.brokerCpuSecPerMillion!.median, 1 / 6);
});

test('the headline ratios are medians over medians', () => {
  const unkeyed = spreadRow('u', [run(800_000, 4, 8_000_000), run(600_000, 4, 6_000_000), run(700_000, 3.5, 7_000_000)]);
  const keyed = spreadRow('k', [run(560_000, 4, 5_600_000)]);
  const rdkafka = spreadRow('r', [run(1_400_000, 3.5, 14_000_000)]);
  const producerPerformance = spreadRow('p', [run(350_000, 7, 3_500_000)]);
  const ratios = likeForLikeRatios({ unkeyed, keyed, rdkafka, producerPerformance });
  assert.is(ratios.unkeyedOverRdkafkaRecords, 0.5);
  assert.is(ratios.unkeyedOverRdkafkaCpuPerMillion, 2);
  assert.is(ratios.keyedOverUnkeyedRecords, 0.8);
  assert.is(ratios.producerPerformanceOverUnkeyedRecords, 0.5);
  assert.is(ratios.producerPerformanceOverUnkeyedCpuPerMillion, 4);
});

test('whole process: medians of CPU-s and wall s over the rounds, failed runs left out, stampede ÷ the C tool', () => {
  const stampede = wholeProcessOf([run(1e6, 3.2, 6e6, { wallMs: 4000 }), run(1e6, 3.0, 6e6, { wallMs: 5000 }), run(0, 9, 0, { error: 'exit 1' })], 6e6);
  assert.equal(stampede.cpuSec, { min: 3, median: 3.1, max: 3.2 });
  assert.equal(stampede.wallSec, { min: 4, median: 4.5, max: 5 });
  const rdkafka = wholeProcessOf([run(1e6, 2.5, 6e6, { wallMs: 6000 })], 6e6);
  const text = renderWholeProcess(stampede, rdkafka);
  assert.match(text, /over 6M records/);
  assert.match(text, /1\.24× the CPU \(goal ≤ 1\.0\), 1\.33× the speed by wall clock/);
});

test('the best one-thread sweep point, never a failed one', () => {
  const sweep = [
    { recordsPerSec: 900, run: { workers: 2 } },
    { recordsPerSec: 700, run: { workers: 1 }, error: 'x' },
    { recordsPerSec: 600, run: { workers: 1 } },
  ];
  assert.is(bestSingleThread(sweep)!.recordsPerSec, 600);
  assert.is(bestSingleThread([{ recordsPerSec: 1, run: { workers: 2 } }]), undefined);
});

test('the waiting shell reports its child\'s CPU exactly, and keeps its exit status', () => {
  const statFile = join(mkdtempSync(join(tmpdir(), 'child-cpu-')), 'stat');
  const wrapped = wrapForChildCpu(process.execPath, ['-e', 'while (process.cpuUsage().user < 300_000); process.exit(3)']);
  const outcome = spawnSync(wrapped.command, wrapped.args, { env: { ...process.env, STAMPEDE_CHILD_STAT: statFile } });
  assert.is(outcome.status, 3);
  const seconds = readChildCpuSeconds(statFile);
  assert.ok(seconds !== undefined && seconds >= 0.2 && seconds < 5, `child CPU ${seconds} s`);
});

test.run();
