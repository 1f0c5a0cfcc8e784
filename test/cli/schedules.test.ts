import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../../src/contracts/result.js';
import { resolveWorkload } from '../../src/options/workload.js';
import { runCli } from '../helpers/cli.js';
import { rejects } from '../helpers/refusal.js';

const dir = mkdtempSync(join(tmpdir(), 'stampede-schedules-'));


const cases: [string, string[], RegExp][] = [
  ['a negative rate in a stage', ['run', '--stages', '10s:-5k'], /--stages must be made of rates that are whole records\/s/],
  ['a negative step level', ['run', '--steps', '-1k..3k/1k@3s'], /--steps must be made of rates that are whole records\/s/],
  ['`..` without a step', ['run', '--steps', '1k..3k@3s'], /--steps must be levels as FROM\.\.TO\/STEP@HOLD/],
  ['a step of 0', ['run', '--steps', '1k..3k/0@3s'], /--steps must be levels with a step above 0/],
  ['a step that misses the last level', ['run', '--steps', '1k..3k/700@3s'], /--steps must be levels whose step divides 2000/],
  ['a malformed hold', ['run', '--steps', '1k..3k/1k@3 parsecs'], /--steps must be a duration such as 30s/],
  ['a malformed stage duration', ['run', '--stages', 'soon:5k'], /--stages must be a duration such as 30s/],
  ['a stage without its target', ['run', '--stages', '30s'], /--stages must be a list of duration:target stages/],
  ['a schedule of zeros', ['run', '--stages', '10s:0,10s:0'], /--stages must be a schedule that asks some records/],
  ['both --rate and --steps', ['run', '--rate', '1000', '--steps', '1k..3k/1k@3s'], /--steps sets the rate and the length of the run: drop --rate/],
  ['both --duration and --stages', ['run', '--duration', '10s', '--stages', '10s:1k'], /--stages sets the rate and the length of the run: drop --duration/],
  ['both schedules', ['run', '--stages', '10s:1k', '--steps', '1k..3k/1k@3s'], /--stages and --steps are two schedules: give one/],
  ['a schedule with --hosts', ['run', '--steps', '1k..3k/1k@3s', '--hosts', 'a,b'], /--steps runs on this host only for now/],
];

for (const [name, args, mentions] of cases) test(`rejects ${name}: one line, exit 2`, () => rejects(args, mentions));

test('a workload file clashing --rate with steps: one line, exit 2', () => rejects(['run', '--workload', file('clash.yaml', 'rate: 1000\nsteps: 1k..3k/1k@3s\n')], /--steps sets the rate and the length of the run: drop --rate/));

test('--steps: the levels, the peak as the planned rate, the schedule\'s length as the duration', () => {
  const workload = resolveWorkload({}, { steps: '50k..500k/50k@30s' });
  assert.is(workload.loadSchedule?.segments.length, 10);
  assert.equal(workload.loadSchedule?.segments[1], { durationMs: 30_000, fromRecordsPerSec: 100_000, toRecordsPerSec: 100_000 });
  assert.is(workload.rateRecordsPerSec, 500_000);
  assert.is(workload.durationMs, 300_000);
});

test('--stages ramp from the previous target (0 first), k and M suffixes; a YAML list of k6 stages reads the same', () => {
  const workload = resolveWorkload({}, { stages: '30s:50k,2m:1.5M,1m:1.5M,30s:0' });
  assert.equal(workload.loadSchedule?.segments, [
    { durationMs: 30_000, fromRecordsPerSec: 0, toRecordsPerSec: 50_000 },
    { durationMs: 120_000, fromRecordsPerSec: 50_000, toRecordsPerSec: 1_500_000 },
    { durationMs: 60_000, fromRecordsPerSec: 1_500_000, toRecordsPerSec: 1_500_000 },
    { durationMs: 30_000, fromRecordsPerSec: 1_500_000, toRecordsPerSec: 0 },
  ]);
  assert.is(workload.durationMs, 240_000);
  const fromFile = resolveWorkload({ stages: [{ duration: '30s', target: '50k' }, '2m:1.5M', '1m:1.5M', '30s:0'] }, {}, 'w.yaml');
  assert.equal(fromFile.loadSchedule?.segments, workload.loadSchedule?.segments);
});

test('a stepped run on the null client: a level per step, their acked summing to the total, a target on every row', async () => {
  const out = join(dir, 'null.json');
  const outcome = await runCli(['run', '--client', 'null', '--steps', '1k..2k/1k@1s', '--warmup', '500ms', '--interval', '500ms', '--devices', '100', '--max-publish-delay', '1s', '--out', out], { timeoutMs: 60_000 });
  assert.is(outcome.code, 0, `${outcome.stdout}\n${outcome.stderr}`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.equal(result.levels!.map((level) => level.targetRecordsPerSec), [1_000, 2_000]);
  assert.is(result.levels!.reduce((sum, level) => sum + level.acked, 0), result.totals.measuredAcked);
  assert.ok(result.intervals.every((row) => typeof row.targetRecordsPerSec === 'number'), 'every row carries its target');
  assert.match(outcome.stdout, /target 1,000 rec\/s/);
  assert.match(outcome.stdout, /load schedule --steps 1k\.\.2k\/1k@1s/);
});

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

test.run();
