import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import * as hdr from 'hdr-histogram-js';
import type { RunResult } from '../../src/contracts/result.js';

const dir = mkdtempSync(join(tmpdir(), 'stampede-null-'));

test('2 worker threads with the null client send, ack and measure exactly the records asked for', async () => {
  const out = join(dir, 'null.json');
  const outcome = await runCli(['run', '--client', 'null', '--workers', '2', '--devices', '1001', '--records', '300001', '--out', out], { timeoutMs: 60_000 });
  assert.is(outcome.code, 0, outcome.stderr);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.is(result.schemaVersion, 1);
  assert.is(result.status, 'ok');
  assert.is(result.workload.effectiveWorkers, 2);
  assert.equal(result.plan.map((shard) => [shard.firstDevice, shard.deviceCount, shard.records]), [
    [0, 500, 149_850],
    [500, 501, 150_151],
  ]);
  assert.is(result.totals.sent, 300_001);
  assert.is(result.totals.acked, 300_001);
  assert.is(result.totals.errors, 0);
  assert.is(result.latency.produceAck.count, 300_001);
  assert.ok(result.totals.recordsPerSec > 0);
  assert.ok(result.totals.mbPerSec > 0);
  assert.ok(result.latency.produceAck.p50 <= result.latency.produceAck.p99);
  assert.is(hdr.decodeFromCompressedBase64(result.latency.produceAck.hdr, 64).totalCount, 300_001);
  assert.match(outcome.stdout, /produce→ack/);
  assert.match(outcome.stdout, /records\/s \(acked, measured\)/);
});

test('a timed run stops on time, reports a row per interval and keeps sent = acked', async () => {
  const out = join(dir, 'timed.json');
  const outcome = await runCli(['run', '--client', 'null', '--workers', '2', '--duration', '2s', '--warmup', '1s', '--interval', '500ms', '--out', out], { timeoutMs: 60_000 });
  assert.is(outcome.code, 0, outcome.stderr);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.ok(result.totals.durationMs >= 2_000 && result.totals.durationMs < 4_000, `window ${result.totals.durationMs} ms`);
  assert.is(result.totals.sent, result.totals.acked);
  assert.ok(result.totals.measuredAcked < result.totals.acked, 'warmup records are left out of the measured window');
  assert.ok(result.intervals.length >= 5, `${result.intervals.length} interval rows`);
  assert.ok(result.intervals.some((row) => row.phase === 'warmup'));
  assert.ok(result.intervals.some((row) => row.phase === 'measure'));
  const liveLines = outcome.stdout.split('\n').filter((line) => /^\[\s*\d+ s\]/.test(line));
  assert.ok(liveLines.length >= 5, 'a live line per interval');

  // What generating cost, per thread and process, per interval and over the window.
  const generator = result.generator!;
  assert.is(generator.threads!.length, 2);
  for (const thread of generator.threads!) {
    assert.ok(thread.cpuSec! > 0 && thread.cpuSec! < 10, `thread ${thread.worker} CPU ${thread.cpuSec} s`);
    assert.ok(thread.busyPct! > 0 && thread.busyPct! <= 100.5, `thread ${thread.worker} busy ${thread.busyPct} %`);
  }
  assert.ok(generator.processCpuSec >= Math.max(...generator.threads!.map((thread) => thread.cpuSec!)), 'the process CPU holds each thread\'s');
  assert.ok(generator.peakRssBytes > 20 * 2 ** 20 && generator.peakRssBytes < 4 * 2 ** 30, `peak RSS ${generator.peakRssBytes}`);
  assert.ok(generator.cpuSecPerMillionAcked! > 0);
  assert.is(generator.warning, null, 'the null client is its own limit: no warning');
  for (const row of result.intervals) {
    assert.ok(row.processCpuCores! > 0 && row.rssBytes! > 0 && row.loopLagMaxMs! >= 0, JSON.stringify(row));
    assert.is(row.threadBusyPct!.length, 2);
  }
  assert.match(outcome.stdout, /peak RSS/);
});

test('a fixed --rate is held', async () => {
  const out = join(dir, 'rate.json');
  // The rate is the point here; whether a busy CI host keeps publish delay under 10 ms is not.
  const outcome = await runCli(['run', '--client', 'null', '--workers', '2', '--rate', '20000', '--duration', '2s', '--max-publish-delay', '1s', '--out', out], { timeoutMs: 60_000 });
  assert.is(outcome.code, 0, outcome.stderr);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  const ratio = result.totals.recordsPerSec / 20_000;
  assert.ok(ratio > 0.9 && ratio < 1.1, `held ${result.totals.recordsPerSec} rec/s for 20,000 asked`);
});

test('a --records run that --timeout stops first: stopped on time, what was sent drained and reported, status timed-out, exit 1', async () => {
  const out = join(dir, 'timeout.json');
  // 1,000,000 records at 1,000 rec/s would take 17 minutes; --timeout 2s ends it.
  const outcome = await runCli(['run', '--client', 'null', '--rate', '1000', '--records', '1000000', '--timeout', '2s', '--out', out], { timeoutMs: 60_000 });
  assert.is(outcome.code, 1, `${outcome.stdout}\n${outcome.stderr}`);
  assert.ok(outcome.elapsedMs < 30_000, `exited after ${outcome.elapsedMs} ms`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.is(result.status, 'timed-out');
  assert.ok(result.totals.durationMs >= 2_000 && result.totals.durationMs < 5_000, `window ${result.totals.durationMs} ms`);
  // About 2,000 sent by the timeout, every one of them acked: far from the million asked.
  assert.ok(result.totals.sent >= 1_500 && result.totals.sent <= 5_000, `${result.totals.sent} sent`);
  assert.is(result.totals.acked, result.totals.sent);
  assert.match(outcome.stdout, /^status: timed-out$/m);
  assert.match(outcome.stdout, /records\/s \(acked, measured\)/, 'the report is printed');
});

test.run();
