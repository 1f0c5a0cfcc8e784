import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../../src/contracts/result.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runCli } from '../helpers/cli.js';
import { readTopicWithKcat } from '../helpers/kcat.js';
import { startKcatPipe, temperatureOf } from '../helpers/kcat-pipe.js';
import { createTestTopic } from '../helpers/topics.js';

const dir = mkdtempSync(join(tmpdir(), 'stampede-stages-'));
const stages = suite<{ kafka?: TestBroker }>('observed pipeline stages on a real broker');

stages.before(async (context) => {
  context.kafka = await startTestBroker();
});

stages.after(async (context) => {
  await context.kafka?.stop();
});

const resultOf = (path: string): RunResult => JSON.parse(readFileSync(path, 'utf8')) as RunResult;

stages('passthrough through a copying processor: every acked record comes out once (lost 0, duplicates 0), with a latency per record', async ({ kafka }) => {
  const [raw, copied] = ['pass-raw', 'pass-copied'];
  await createTestTopic(kafka!.bootstrap, raw, 3);
  await createTestTopic(kafka!.bootstrap, copied, 3);
  const pipe = startKcatPipe({ bootstrap: kafka!.bootstrap, from: raw, to: copied, group: 'pass-processor' });
  try {
    const out = join(dir, 'pass.json');
    const run = await runCli(['run', '--brokers', kafka!.bootstrap, '--topic', raw, '--format', 'iot-json', '--devices', '200', '--records', '20000', '--rate', '5000', '--observe', `${copied}:passthrough`, '--trace', 'field:sent_at_us', '--out', out], { timeoutMs: 120_000 });
    assert.is(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const stage = resultOf(out).stages![0]!;
    assert.equal({ name: stage.name, topic: stage.topic, expect: stage.expect, trace: stage.trace }, { name: copied, topic: copied, expect: 'passthrough', trace: 'field:sent_at_us' });
    assert.is(stage.records, 20_000);
    assert.equal(stage.integrity, { lost: 0, duplicates: 0, outOfOrder: 0, foreign: 0, passedShare: 1 });
    assert.is(stage.latency!.count, 20_000);
    assert.ok(stage.latency!.p50 > 0 && stage.latency!.p50 <= stage.latency!.p99, JSON.stringify(stage.latency));
    assert.is(stage.processorLag, null);
    assert.match(run.stdout, new RegExp(`stage\\s+${copied}`));
  } finally {
    await pipe.stop();
  }
});

stages('subset through a filtering processor: the passed share is the share of sent records the filter keeps (within 0.5 %), duplicates 0, nothing called lost', async ({ kafka }) => {
  const [raw, hot] = ['subset-raw', 'subset-hot'];
  await createTestTopic(kafka!.bootstrap, raw, 2);
  await createTestTopic(kafka!.bootstrap, hot, 2);
  const threshold = 22;
  const pipe = startKcatPipe({ bootstrap: kafka!.bootstrap, from: raw, to: hot, group: 'subset-processor', keep: (value) => temperatureOf(value) > threshold });
  try {
    const out = join(dir, 'subset.json');
    const run = await runCli(['run', '--brokers', kafka!.bootstrap, '--topic', raw, '--format', 'iot-json', '--devices', '100', '--records', '20000', '--rate', '5000', '--observe', `${hot}:subset`, '--trace', 'field:sent_at_us', '--out', out], { timeoutMs: 120_000 });
    assert.is(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const sent = await readTopicWithKcat(kafka!.bootstrap, raw, 60_000);
    const expectedShare = sent.filter((record) => temperatureOf(record.value.toString('utf8')) > threshold).length / sent.length;
    assert.ok(expectedShare > 0.05 && expectedShare < 0.95, `the filter keeps some and drops some: ${expectedShare}`);
    const stage = resultOf(out).stages![0]!;
    assert.is(stage.expect, 'subset');
    assert.ok(Math.abs(stage.integrity.passedShare! - expectedShare) <= 0.005, `passed ${stage.integrity.passedShare} against ${expectedShare}`);
    assert.is(stage.integrity.duplicates, 0);
    assert.is(stage.integrity.lost, null);
    assert.is(stage.integrity.foreign, 0);
  } finally {
    await pipe.stop();
  }
});

stages('a stage whose records lack the named trace stops the run with one line naming the stage, the trace and what to change (exit 2)', async ({ kafka }) => {
  const [raw, copied] = ['untraced-raw', 'untraced-copied'];
  await createTestTopic(kafka!.bootstrap, raw, 1);
  await createTestTopic(kafka!.bootstrap, copied, 1);
  const pipe = startKcatPipe({ bootstrap: kafka!.bootstrap, from: raw, to: copied, group: 'untraced-processor' });
  try {
    const run = await runCli(['run', '--brokers', kafka!.bootstrap, '--topic', raw, '--format', 'iot-json', '--devices', '10', '--duration', '20s', '--rate', '1000', '--observe', copied, '--trace', 'field:emitted_at', '--interval', '500ms'], { timeoutMs: 120_000 });
    assert.is(run.code, 2, `${run.stdout}\n${run.stderr}`);
    const lines = run.stderr.trim().split('\n').filter((line) => line.includes(`stage ${copied}`));
    assert.is(lines.length, 1, run.stderr);
    assert.match(lines[0]!, /no numeric JSON field "emitted_at".*--trace field:NAME/);
    assert.not.match(run.stderr, /\n\s+at /, 'no stack trace');
    assert.ok(run.elapsedMs < 18_000, `stopped early, not after the 20 s run: ${run.elapsedMs} ms`);
  } finally {
    await pipe.stop();
  }
});

stages('two chained stages (raw → enriched → alerts) give two stage entries, in pipeline order', async ({ kafka }) => {
  const [raw, enriched, alerts] = ['chain-raw', 'chain-enriched', 'chain-alerts'];
  for (const topic of [raw, enriched, alerts]) await createTestTopic(kafka!.bootstrap, topic, 2);
  const first = startKcatPipe({ bootstrap: kafka!.bootstrap, from: raw, to: enriched, group: 'chain-enrich' });
  const second = startKcatPipe({ bootstrap: kafka!.bootstrap, from: enriched, to: alerts, group: 'chain-alert', keep: (value) => temperatureOf(value) > 22 });
  try {
    const out = join(dir, 'chain.json');
    const run = await runCli(['run', '--brokers', kafka!.bootstrap, '--topic', raw, '--format', 'iot-json', '--devices', '50', '--records', '5000', '--rate', '2500', '--observe', `${enriched}:passthrough`, '--observe', `${alerts}:subset`, '--trace', 'field:sent_at_us', '--processor-group', 'chain-enrich', '--processor-group', 'chain-alert', '--out', out], { timeoutMs: 120_000 });
    assert.is(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const result = resultOf(out);
    assert.equal(result.stages!.map((stage) => [stage.name, stage.expect]), [[enriched, 'passthrough'], [alerts, 'subset']]);
    assert.is(result.stages![0]!.integrity.lost, 0);
    assert.ok(result.stages![1]!.records < result.stages![0]!.records);
    assert.equal(result.stages!.map((stage) => stage.processorLag?.input), [raw, enriched]);
    assert.ok(result.intervals.every((row) => row.stages?.length === 2), 'two stage columns per interval');
  } finally {
    await first.stop();
    await second.stop();
  }
});

stages('--processor-group: the processor\'s lag on its input rises while it is stopped (SIGSTOP) and falls after SIGCONT', async ({ kafka }) => {
  const [raw, copied] = ['lag-raw', 'lag-copied'];
  await createTestTopic(kafka!.bootstrap, raw, 2);
  await createTestTopic(kafka!.bootstrap, copied, 2);
  const pipe = startKcatPipe({ bootstrap: kafka!.bootstrap, from: raw, to: copied, group: 'lag-processor' });
  try {
    const out = join(dir, 'lag.json');
    const running = runCli(['run', '--brokers', kafka!.bootstrap, '--topic', raw, '--format', 'iot-json', '--devices', '20', '--duration', '12s', '--rate', '2000', '--observe', copied, '--trace', 'field:sent_at_us', '--processor-group', 'lag-processor', '--interval', '500ms', '--out', out], { timeoutMs: 120_000 });
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    process.kill(pipe.consumerPid, 'SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    process.kill(pipe.consumerPid, 'SIGCONT');
    const run = await running;
    assert.is(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const result = resultOf(out);
    const lags = result.intervals.map((row) => row.stages![0]!.processorLagRecords).filter((lag): lag is number => lag !== null);
    const peak = Math.max(...lags);
    const peakAt = lags.indexOf(peak);
    // 4 s stopped at 2,000 rec/s: thousands behind at the peak; caught up again afterwards.
    assert.ok(peak >= 4_000, `peak lag ${peak}: ${lags.join(' ')}`);
    assert.ok(Math.min(...lags.slice(0, Math.max(peakAt - 8, 1))) < 1_500, `low before the stop: ${lags.join(' ')}`);
    assert.ok(Math.min(...lags.slice(peakAt)) < peak / 4, `falls after SIGCONT: ${lags.join(' ')}`);
    const stage = result.stages![0]!;
    assert.equal({ group: stage.processorLag!.group, input: stage.processorLag!.input }, { group: 'lag-processor', input: raw });
    assert.is(stage.processorLag!.maxRecords, peak);
    assert.is(stage.integrity.lost, 0);
    assert.match(run.stdout, /proc lag/);
  } finally {
    await pipe.stop();
  }
});

stages.run();
