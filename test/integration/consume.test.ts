import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectRoot } from '../../src/paths.js';
import type { RunResult } from '../../src/contracts/result.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runCli, userEnv } from '../helpers/cli.js';
import { createTestTopic } from '../helpers/topics.js';
import { type ConsumeResult } from '../../src/contracts/consume-result.js';

const dir = mkdtempSync(join(tmpdir(), 'stampede-consume-'));
const consume = suite<{ kafka?: TestBroker }>('consumer workloads on a real broker');

consume.before(async (context) => {
  context.kafka = await startTestBroker();
});

consume.after(async (context) => {
  await context.kafka?.stop();
});

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

consume('consume: per-partition counts per interval and in the summary add up to every record, once; join time, poll gaps, --csv and --hgrm', async ({ kafka }) => {
  const written = await runCli(['run', '--brokers', kafka!.bootstrap, '--topic', 'read-back', '--partitions', '3', '--devices', '300', '--records', '30000', '--out', join(dir, 'written.json')]);
  assert.is(written.code, 0, written.stderr);
  const out = join(dir, 'read-back.json');
  const csv = join(dir, 'read-back.csv');
  const hgrm = join(dir, 'hgrm');
  const read = await runCli(['consume', '--brokers', kafka!.bootstrap, '--topic', 'read-back', '--consumers', '2', '--records', '30000', '--interval', '200ms', '--timeout', '60s', '--out', out, '--csv', csv, '--hgrm', hgrm], { timeoutMs: 90_000 });
  assert.is(read.code, 0, read.stderr + read.stdout);
  const result = JSON.parse(readFileSync(out, 'utf8')) as ConsumeResult;
  assert.is(result.totals.consumed, 30_000);
  assert.equal([result.integrity!.uniqueRecords, result.integrity!.lost, result.integrity!.duplicates], [30_000, 0, 0]);
  assert.is(result.totals.lagAtEnd, 0);
  assert.is(sum(result.partitions.perPartition), 30_000);
  assert.ok(result.partitions.perPartition.every((count) => count > 0), 'every partition was read');
  // Per interval: each partition's counts over the rows are that partition's total.
  for (let partition = 0; partition < 3; partition++) {
    assert.is(sum(result.intervals.map((row) => row.perPartition[partition]!)), result.partitions.perPartition[partition], `partition ${partition} over the intervals`);
  }
  assert.ok(result.join.perConsumerMs.every((ms) => ms > 0), `time to join ${result.join.perConsumerMs}`);
  assert.ok(result.latency.pollInterval.count > 0 && result.intervals.some((row) => row.pollIntervalP99Us > 0));
  assert.match(read.stdout, /time to join \(each consumer\)/);
  const lines = readFileSync(csv, 'utf8').trimEnd().split('\r\n');
  assert.match(lines[0]!, /^elapsedMs,phase,recordsPerSec,mbPerSec,lagRecords,.*,p0,p1,p2$/);
  assert.is(lines.length, result.intervals.length + 1);
  assert.ok(existsSync(join(hgrm, 'poll-interval.hgrm')) && existsSync(join(hgrm, 'record-age.hgrm')));
});

consume('consume --format auto on a topic that is not stampede\'s: decided on the first batch, counted, not checked', async ({ kafka }) => {
  await createTestTopic(kafka!.bootstrap, 'plain-text', 2);
  const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} of somebody else's log, not a stampede record`).join('\n');
  const kcat = spawnSync('kcat', ['-P', '-b', kafka!.bootstrap, '-t', 'plain-text'], { input: `${lines}\n`, encoding: 'utf8', timeout: 30_000 });
  assert.is(kcat.status, 0, kcat.stderr);
  const out = join(dir, 'plain.json');
  const read = await runCli(['consume', '--brokers', kafka!.bootstrap, '--topic', 'plain-text', '--records', '5000', '--timeout', '60s', '--out', out], { timeoutMs: 90_000 });
  assert.is(read.code, 0, read.stderr + read.stdout);
  const result = JSON.parse(readFileSync(out, 'utf8')) as ConsumeResult;
  assert.is(result.totals.consumed, 5000);
  assert.is(result.integrity, null);
  assert.is(result.latency.recordAge, null);
  assert.is(sum(result.partitions.perPartition), 5000);
  assert.ok(result.notices.some((text) => /not stampede's .*counted, not checked/.test(text)), result.notices.join('\n'));
});

consume('run --e2e --backlog: consumers paused until the backlog is built, resumed while producing, drained, every record once', async ({ kafka }) => {
  const out = join(dir, 'backlog.json');
  // 40,000 rec/s beside two consumers draining a backlog is more than this shared host keeps on
  // schedule within the default 10 ms; the limit is raised (and exit 3 allowed) since the backlog is tested.
  const outcome = await runCli(['run', '--brokers', kafka!.bootstrap, '--topic', 'backlog', '--partitions', '3', '--devices', '1000', '--rate', '40000', '--max-publish-delay', '5s', '--duration', '8s', '--e2e', '--consumers', '2', '--backlog', '10MB', '--out', out], { timeoutMs: 120_000 });
  // 3: a fixed rate this shared host could not keep is judged not valid; the backlog is what is tested here.
  assert.ok(outcome.code === 0 || outcome.code === 3, outcome.stdout + outcome.stderr);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  const backlog = result.backlog!;
  assert.is(backlog.resumedBecause, 'backlog-reached', outcome.stdout);
  assert.ok(backlog.reachedBytes >= 10_000_000, `backlog ${backlog.reachedBytes} B when resumed`);
  // Nothing was consumed before the resume: every interval that ended before it shows 0 consumed.
  const before = result.intervals.filter((row) => row.elapsedMs <= backlog.resumedAtMs!);
  assert.ok(before.length > 0 && before.every((row) => row.consumedPerSec === 0), JSON.stringify(before.map((row) => [row.elapsedMs, row.consumedPerSec])));
  assert.ok(before.every((row) => row.lagRecords === row.totalAcked && row.totalAcked > 0), 'while paused, every acked record is lag');
  assert.ok(backlog.recoveryMs !== null && backlog.recoveryMs > 0, `drained: ${JSON.stringify(backlog)}`);
  assert.ok(backlog.drain.recordsPerSec > 40_000, `the drain reads faster than the producers send: ${backlog.drain.recordsPerSec} rec/s`);
  assert.equal([result.integrity!.lost, result.integrity!.duplicates, result.integrity!.uniqueRecords], [0, 0, result.totals.acked]);
  assert.match(outcome.stdout, /✓ lag under [\d,]+ records \(one interval's worth\)/);
});

consume('run --e2e --consumer-churn: one rebalance per period, each with a measured pause; integrity exact across them', async ({ kafka }) => {
  const out = join(dir, 'churn.json');
  // Consumers joining and leaving load the host while producing: the limit is raised as above.
  // Every 5 s: a member that stays learns of a rebalance from its next heartbeat (librdkafka's
  // heartbeat.interval.ms, 3 s), so a 3 s period could end a window before a loaded host settled it.
  const outcome = await runCli(['run', '--brokers', kafka!.bootstrap, '--topic', 'churn', '--partitions', '4', '--devices', '1000', '--rate', '10000', '--max-publish-delay', '5s', '--duration', '16s', '--e2e', '--consumers', '1', '--consumer-churn', '5s', '--out', out], { timeoutMs: 120_000 });
  assert.ok(outcome.code === 0 || outcome.code === 3, outcome.stdout + outcome.stderr);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  const churn = result.churn!;
  assert.equal(churn.rebalances.map((event) => event.action), ['added', 'removed', 'added'], JSON.stringify(churn.rebalances));
  for (const event of churn.rebalances) {
    assert.ok(event.pauseMs > 0, `rebalance at ${event.atMs} ms: pause ${event.pauseMs} ms`);
    assert.ok(event.rebalancedAfterMs !== null, `rebalance at ${event.atMs} ms settled`);
    assert.ok(event.endToEnd.count > 0);
  }
  assert.is(churn.endToEnd.aroundRebalances.count + churn.endToEnd.others.count, result.latency.endToEnd!.count);
  assert.equal([result.integrity!.lost, result.integrity!.duplicates, result.integrity!.uniqueRecords], [0, 0, result.totals.acked]);
  assert.match(outcome.stdout, /consumer churn every 5\.00 s: 3 rebalance\(s\)/);
});

consume('consume --from latest --group G --consumer-props --duration: only what is written after it joined, under the group named, settings applied, for the time asked; the group then resumes where it stopped', async ({ kafka }) => {
  const topic = 'from-latest';
  const group = 'stampede-test-latest';
  const before = await runCli(['run', '--brokers', kafka!.bootstrap, '--topic', topic, '--partitions', '2', '--devices', '100', '--records', '5000', '--out', join(dir, 'latest-before.json')]);
  assert.is(before.code, 0, before.stderr);
  const out = join(dir, 'latest.json');
  // auto.commit.interval.ms: the group's position is committed within 100 ms, not only on close.
  const args = ['consume', '--brokers', kafka!.bootstrap, '--topic', topic, '--from', 'latest', '--group', group, '--consumer-props', 'auto.commit.interval.ms=100', '--duration', '8s', '--interval', '500ms', '--out', out];
  const child = spawn(process.execPath, [join(projectRoot, 'bin', 'stampede.js'), ...args], { cwd: projectRoot, env: userEnv() });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  // Once the group holds the partitions (a measure line), and its positions are resolved to the end.
  const deadline = Date.now() + 60_000;
  while (!/\] measure/.test(stdout) && Date.now() < deadline) await sleep(50);
  await sleep(1_000);
  const after = await runCli(['run', '--brokers', kafka!.bootstrap, '--topic', topic, '--devices', '100', '--records', '3000', '--seed', '2', '--out', join(dir, 'latest-after.json')]);
  const code = await exited;
  clearTimeout(killer);
  assert.match(stdout, /\] measure/, `the group never read\n${stdout}\n${stderr}`);
  assert.is(after.code, 0, after.stderr);
  assert.is(code, 0, `${stdout}\n${stderr}`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as ConsumeResult;
  assert.is(result.totals.consumed, 3000, 'the 3,000 written after the group joined, none of the 5,000 before');
  assert.is(result.groupId, group);
  assert.is(result.librdkafka['group.id'], group);
  assert.is(result.librdkafka['auto.offset.reset'], 'latest');
  assert.is(result.librdkafka['auto.commit.interval.ms'], '100', '--consumer-props applied');
  assert.is(result.workload.durationMs, 8_000);
  assert.ok(result.totals.durationMs >= 7_500 && result.totals.durationMs <= 9_000, `measured ${result.totals.durationMs} ms of 8 s`);
  assert.is(result.status, 'ok');

  // The same group again, from earliest: it has committed positions at the end, so nothing to read.
  const again = await runCli(['consume', '--brokers', kafka!.bootstrap, '--topic', topic, '--from', 'earliest', '--group', group, '--duration', '3s', '--out', join(dir, 'latest-again.json')], { timeoutMs: 60_000 });
  assert.is(again.code, 0, again.stdout + again.stderr);
  assert.is((JSON.parse(readFileSync(join(dir, 'latest-again.json'), 'utf8')) as ConsumeResult).totals.consumed, 0, 'the group resumed at its committed positions');
});

consume.run();
