import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MaxResult } from '../../src/experiments/max-rate.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'stampede-max-'));
const max = suite<{ kafka?: TestBroker }>('stampede max on a real broker, in a short CI mode');

max.before(async (context) => {
  context.kafka = await startTestBroker();
});

max.after(async (context) => {
  await context.kafka?.stop();
});

/**
 * Steps of 1 s warmup + 2 s: long enough for the throughput profile's 100 ms linger to fill the
 * queues, short enough for CI. The publish-delay limit is loosened as in rate.test.ts: on a shared
 * 2-core machine a fresh broker can be slow, and this suite is about the search, not the speed.
 */
const short = (bootstrap: string, topic: string, out: string): string[] => [
  'max', '--brokers', bootstrap, '--topic', topic, '--partitions', '2', '--format', 'fixed', '--devices', '100',
  '--step-duration', '2s', '--warmup', '1s', '--floor', '1000', '--max-publish-delay', '1s', '--out', out,
];

max('a generous SLO: an answer between the floor and the measured max, a rate a step passed at and a confirming fixed-rate run met again, exit 0', async ({ kafka }) => {
  const out = join(dir, 'generous.json');
  const outcome = await runCli([...short(kafka!.bootstrap, 'max-generous', out), '--slo', 'p99<10s', '--max-steps', '3', '--precision', '50%'], { timeoutMs: 120_000 });
  assert.is(outcome.code, 0, `${outcome.stdout}\n${outcome.stderr}`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as MaxResult;
  assert.is(result.kind, 'max');
  assert.is(result.status, 'ok');
  const measuredMax = result.maxThroughput!.recordsPerSec;
  const answer = result.answer.recordsPerSec!;
  assert.ok(answer >= 1000 && answer <= measuredMax, `answer ${answer} between the floor 1,000 and the max ${measuredMax}`);
  assert.is(result.steps[0]!.askedRecordsPerSec, 1000, 'the floor is the first step');
  assert.ok(result.steps.length >= 1 && result.steps.length <= 3, `${result.steps.length} steps`);
  assert.ok(result.steps.every((step) => step.askedRecordsPerSec <= measuredMax), 'no step asks above the measured max');
  assert.ok(result.steps.some((step) => step.pass && step.askedRecordsPerSec === answer), 'the answer is a rate a step passed at');
  for (const step of result.steps.filter((s) => s.pass)) {
    assert.ok(step.achievedPct >= 99, `a passed step delivered ${step.achievedPct} %`);
    assert.is(step.validity.valid, true);
    assert.ok(step.publishDelayP99Us !== null, 'publish delay measured at a fixed rate');
  }
  const confirmation = result.confirmation!;
  assert.is(confirmation.recordsPerSec, answer, 'the search ends with a fixed-rate run at its answer');
  assert.ok(confirmation.met, confirmation.reasons.join('; '));
  assert.equal(confirmation.hosts, [], 'on this host');
  assert.ok(confirmation.achievedPct >= 99 && confirmation.produceAckP99Us! < 10_000_000, JSON.stringify(confirmation));
  assert.match(outcome.stdout, new RegExp(`confirming ${answer.toLocaleString('en-US')} rec/s: one more fixed-rate run at it`));
  assert.match(outcome.stdout, new RegExp(`✓ confirmed at ${answer.toLocaleString('en-US')} rec/s: achieved [\\d,]+ \\(\\d+\\.\\d %\\)  p99 `));
  assert.match(outcome.stdout, /max throughput [\d,]+ rec\/s/);
  assert.match(outcome.stdout, /\[1\/3\] asked 1,000 rec\/s  achieved [\d,]+ \(\d+\.\d %\)  p99 .*  publish-delay p99 .*  ✓ pass/);
  assert.match(outcome.stdout, new RegExp(`max sustainable rate ${answer.toLocaleString('en-US')} rec/s at produce→ack p99 < 10\\.00 s, with these settings:`));
  assert.match(outcome.stdout, /native client, 1 worker\(s\), 100 devices, fixed 100-byte records/);
  assert.match(outcome.stdout, /linger\.ms=100/);
});

max('an impossible SLO: even the floor fails, said clearly, exit 3, no answer in the JSON', async ({ kafka }) => {
  const out = join(dir, 'impossible.json');
  const outcome = await runCli([...short(kafka!.bootstrap, 'max-impossible', out), '--slo', 'p99<1us'], { timeoutMs: 120_000 });
  assert.is(outcome.code, 3, `${outcome.stdout}\n${outcome.stderr}`);
  assert.match(outcome.stdout, /no sustainable rate: even the floor, 1,000 rec\/s, fails \(p99<1us missed: [\d.]+ (µs|ms|s)\); loosen --slo or lower --floor/);
  const result = JSON.parse(readFileSync(out, 'utf8')) as MaxResult;
  assert.is(result.status, 'no-answer');
  assert.is(result.answer.recordsPerSec, null);
  assert.is(result.answer.stoppedBecause, 'floor-failed');
  assert.is(result.steps.length, 1, 'nothing below the floor is tried');
  assert.is(result.confirmation, null, 'no answer, nothing to confirm');
  assert.is(outcome.stderr, '');
});

// The latency profile (no linger) keeps a level's edges sharp: with a 100 ms linger, a 2 s level
// would hand ~5 % of its acks to the next one and read NOT VALID at every rate change.
max('--method steps: one stepped run from the floor to the measured max finds the knee, a fixed-rate run at a passing level confirms the answer, exit 0', async ({ kafka }) => {
  const out = join(dir, 'stepped.json');
  const outcome = await runCli([...short(kafka!.bootstrap, `max-stepped-${Date.now().toString(36)}`, out), '--slo', 'p99<10s', '--method', 'steps', '--max-steps', '3', '--profile', 'latency', '--max-publish-delay', '2s'], { timeoutMs: 150_000 });
  assert.is(outcome.code, 0, `${outcome.stdout}\n${outcome.stderr}`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as MaxResult;
  assert.is(result.status, 'ok');
  assert.is(result.settings.method, 'steps');
  const stepped = result.stepped!;
  const targets = stepped.levels.map((level) => level.targetRecordsPerSec);
  assert.is(targets.length, 3, `three levels: ${targets}`);
  assert.is(targets[0], 1_000, 'the first level is the floor');
  assert.ok(targets[2]! <= result.maxThroughput!.recordsPerSec, `the top level ${targets[2]} at or under the measured max ${result.maxThroughput!.recordsPerSec}`);
  const answer = result.answer.recordsPerSec!;
  const passing = stepped.levels.filter((level) => level.pass).map((level) => level.targetRecordsPerSec);
  assert.ok(passing.includes(answer), `the answer ${answer} is a level that passed in the stepped run: ${passing}`);
  assert.ok(answer <= stepped.knee!.highestPassedRecordsPerSec!, 'at or under the knee');
  const confirm = result.steps[result.steps.length - 1]!;
  assert.is(confirm.askedRecordsPerSec, answer, 'the last fixed-rate run asked the answer');
  assert.ok(confirm.pass, confirm.reasons.join('; '));
  assert.ok(result.steps.every((step, i) => i === result.steps.length - 1 || !step.pass), 'every confirming run before it failed');
  assert.is(result.answer.stoppedBecause, 'knee-confirmed');
  assert.equal([result.confirmation!.recordsPerSec, result.confirmation!.met], [answer, true], 'the confirming run is the confirmation');
  assert.match(outcome.stdout, /stepped run 1000\.\.\d+\/\d+@2s:/);
  assert.match(outcome.stdout, /max sustainable rate [\d,]+ rec\/s at produce→ack p99 < 10\.00? s/);
  assert.match(outcome.stdout, /the stepped run's knee, confirmed by a fixed-rate run/);
});

max('--method steps with --hosts: refused in one line, exit 2', async () => {
  const outcome = await runCli(['max', '--slo', 'p99<10ms', '--method', 'steps', '--hosts', 'a,b'], { timeoutMs: 30_000 });
  assert.is(outcome.code, 2, outcome.stderr);
  assert.is(outcome.stderr.trim().split('\n').length, 1, 'one line');
  assert.match(outcome.stderr, /^stampede: --method steps cannot take --hosts: its stepped run is a load schedule, and a load schedule runs on one host only; drop --hosts, or keep --hosts with --method bisect \(the default\)/);
});

max.run();
