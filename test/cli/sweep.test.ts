import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SweepResult } from '../../src/experiments/sweep.js';
import { projectRoot } from '../../src/paths.js';
import { runCli, userEnv } from '../helpers/cli.js';
import { rejects as rejectsRun } from '../helpers/refusal.js';

const dir = mkdtempSync(join(tmpdir(), 'stampede-sweep-cli-'));

/** Bad sweeps: refused before any point runs. */
const rejects = (args: string[], mentions: RegExp): Promise<void> => rejectsRun(['sweep', '--client', 'null', ...args], mentions);

const cases: [string, string[], RegExp][] = [
  ['no --vary', ['--rate', '100'], /^stampede: --vary: name at least one option to vary/],
  ['no = in --vary', ['--vary', 'partitions'], /^stampede: --vary partitions: expected NAME=v1,v2/],
  ['an option run does not take', ['--vary', 'colour=red,blue'], /^stampede: --vary colour: not a workload option of run/],
  ['the topic, which the sweep names', ['--vary', 'topic=a,b'], /^stampede: --vary topic: not varied by a sweep \(each point writes to a fresh topic/],
  ['a bad value of a varied option, before any point runs', ['--vary', 'partitions=2,0'], /^stampede: --partitions must be an integer from 1 to 100000 \(got "0"\)/],
  ['zipped lists of different lengths', ['--vary', 'partitions=1,2', '--vary', 'workers=1,2,3', '--zip'], /^stampede: --zip: --vary workers has 3 values, --vary partitions 2/],
  ['an option varied twice', ['--vary', 'workers=1', '--vary', 'workers=2'], /^stampede: --vary workers: given twice/],
  ['an unknown objective', ['--vary', 'workers=1,2', '--objective', 'fastest'], /^stampede: --objective must be one of max-throughput, min-p99, min-cpu/],
  ['--csv, which a sweep writes per point', ['--vary', 'workers=1,2', '--csv', 'x.csv'], /^stampede: --csv is not taken by sweep/],
];
for (const [name, args, mentions] of cases) test(`bad input: ${name} → exit 2, one line`, () => rejects(args, mentions));

test('--zip pairs values; each point its own run with the same seed; the best by min-p99 is a valid point with the lowest p99', async () => {
  const out = join(dir, 'zip.json');
  const outcome = await runCli(['sweep', '--client', 'null', '--vary', 'record-size=100,400', '--vary', 'batch=10,100', '--zip', '--format', 'fixed', '--rate', '500', '--duration', '1s', '--max-publish-delay', '5s', '--seed', '9', '--objective', 'min-p99', '--out', out], { timeoutMs: 60_000 });
  assert.is(outcome.code, 0, `${outcome.stdout}\n${outcome.stderr}`);
  const sweep = JSON.parse(readFileSync(out, 'utf8')) as SweepResult;
  assert.equal(sweep.points.map((point) => point.values), [{ 'record-size': '100', batch: '10' }, { 'record-size': '400', batch: '100' }]);
  assert.is(sweep.seed, 9);
  const valid = sweep.points.filter((point) => point.valid);
  const lowest = Math.min(...valid.map((point) => point.latency.p99Us));
  assert.is(sweep.points[sweep.best.index!]!.latency.p99Us, lowest);
  assert.match(outcome.stdout, /best \(min-p99\): #\d record-size=\d+ batch=\d+/);
});

test('Ctrl-C during a sweep keeps the finished points in the JSON, marks it interrupted and exits 130', async () => {
  const out = join(dir, 'interrupted.json');
  const args = [join(projectRoot, 'bin', 'stampede.js'), 'sweep', '--client', 'null', '--vary', 'workers=1,2,3', '--rate', '200', '--duration', '3s', '--max-publish-delay', '5s', '--out', out];
  const child = spawn(process.execPath, args, { cwd: projectRoot, env: userEnv() });
  let stdout = '';
  const code = await new Promise<number | null>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // The second point has started: the first is finished and written.
      if (stdout.includes('[2/3]') && !child.killed) child.kill('SIGINT');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (exit) => {
      clearTimeout(timer);
      resolve(exit);
    });
  });
  assert.is(code, 130, stdout);
  const sweep = JSON.parse(readFileSync(out, 'utf8')) as SweepResult;
  assert.is(sweep.status, 'interrupted');
  assert.is(sweep.plannedPoints, 3);
  assert.is(sweep.points.length, 2, 'the finished point and the one that was stopped, no third');
  assert.is(sweep.points[0]!.status, 'ok');
  assert.is(sweep.points[1]!.status, 'interrupted');
  assert.match(stdout, /interrupted: 2 of 3 points finished/);
});

test.run();
