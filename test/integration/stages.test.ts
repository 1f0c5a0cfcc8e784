import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../../src/contracts/result.js';
import type { StageResult } from '../../src/contracts/stage.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runCli } from '../helpers/cli.js';
import { readTopicWithKcat } from '../helpers/kcat.js';
import { startKcatPipe, temperatureOf } from '../helpers/kcat-pipe.js';
import { createTestTopic } from '../helpers/topics.js';
import { buildProcessor, startProcessor, type ProcessorOptions, type RunningProcessor } from '../helpers/processor.js';
import { setTimeout as sleep } from 'node:timers/promises';

const dir = mkdtempSync(join(tmpdir(), 'stampede-stages-'));
const stages = suite<{ kafka?: TestBroker }>('observed pipeline stages on a real broker');

stages.before(async (context) => {
  await buildProcessor();
  context.kafka = await startTestBroker();
});

/** The Kafka Streams test processor, committing every 100 ms, around one test's body. */
async function withProcessor(options: ProcessorOptions, body: (processor: RunningProcessor) => Promise<void>): Promise<void> {
  await createTestTopic(options.bootstrap, options.input, 3);
  const processor = await startProcessor({ ...options, config: { 'commit.interval.ms': '100', ...options.config } });
  try {
    await body(processor);
  } catch (err) {
    console.error(`processor ${options.appId}'s last lines:\n${processor.logTail()}`);
    throw err;
  } finally {
    await processor.stop();
  }
}

stages.after(async (context) => {
  await context.kafka?.stop();
});

const resultOf = (path: string): RunResult => JSON.parse(readFileSync(path, 'utf8')) as RunResult;

/**
 * A fixed-rate run here only spreads records over time: on a shared 2-core host the producer may
 * fall short of its schedule (exit 3, not valid), which says nothing about the stage under test.
 */
function assertRan(outcome: { code: number | null; stdout: string; stderr: string }, out: string): void {
  const detail = `${outcome.stdout}\n${outcome.stderr}`;
  if (outcome.code === 3) assert.is(resultOf(out).status, 'not-valid', detail);
  else assert.is(outcome.code, 0, detail);
}

stages('passthrough through a Kafka Streams map, traced by the header it forwards: all 100,000 acked records come out once (lost 0, duplicates 0), each with a latency above zero', async ({ kafka }) => {
  const bootstrap = kafka!.bootstrap;
  await withProcessor({ bootstrap, appId: 'stage-map', input: 'map-raw', output: 'map-enriched', mode: 'map' }, async () => {
    const out = join(dir, 'pass.json');
    const run = await runCli(['run', '--brokers', bootstrap, '--topic', 'map-raw', '--format', 'iot-json', '--devices', '500', '--records', '100000', '--drain', '90s', '--observe', 'map-enriched:passthrough', '--out', out], { timeoutMs: 180_000 });
    assert.is(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const stage = resultOf(out).stages![0]!;
    assert.equal({ name: stage.name, topic: stage.topic, expect: stage.expect, trace: stage.trace }, { name: 'map-enriched', topic: 'map-enriched', expect: 'passthrough', trace: 'header' });
    assert.is(resultOf(out).workload.recordTrace, 'header', 'an observed run writes the trace header unless told otherwise');
    assert.is(stage.records, 100_000);
    assert.equal(stage.integrity, { lost: 0, duplicates: 0, outOfOrder: 0, foreign: 0, foreignUnknownReason: null, passedShare: 1 });
    assert.is(stage.latency!.count, 100_000);
    assert.ok(stage.latency!.p50 > 0 && stage.latency!.p50 <= stage.latency!.p99, JSON.stringify({ ...stage.latency, hdr: undefined }));
    assert.is(stage.processorLag, null);
    assert.match(run.stdout, /stage map-enriched\s+passthrough\s+header\s+100,000/);
  });
});

stages('subset through a Kafka Streams filter: the passed share is the share of sent records above its threshold (within 0.5 %), duplicates 0, nothing called lost', async ({ kafka }) => {
  const bootstrap = kafka!.bootstrap;
  const threshold = 25;
  await withProcessor({ bootstrap, appId: 'stage-filter', input: 'filter-raw', output: 'filter-hot', mode: 'filter', threshold }, async () => {
    const out = join(dir, 'subset.json');
    const run = await runCli(['run', '--brokers', bootstrap, '--topic', 'filter-raw', '--format', 'iot-json', '--devices', '200', '--records', '30000', '--drain', '60s', '--observe', 'filter-hot:subset', '--out', out], { timeoutMs: 180_000 });
    assert.is(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const sent = await readTopicWithKcat(bootstrap, 'filter-raw', 60_000);
    const expectedShare = sent.filter((record) => temperatureOf(record.value.toString('utf8')) > threshold).length / sent.length;
    assert.ok(expectedShare > 0.02 && expectedShare < 0.98, `the filter keeps some and drops some: ${expectedShare}`);
    const stage = resultOf(out).stages![0]!;
    assert.is(stage.expect, 'subset');
    assert.ok(Math.abs(stage.integrity.passedShare! - expectedShare) <= 0.005, `passed ${stage.integrity.passedShare} against ${expectedShare}`);
    assert.is(stage.integrity.duplicates, 0);
    assert.is(stage.integrity.lost, null);
    assert.is(stage.integrity.foreign, 0);
  });
});

stages('aggregate through a Kafka Streams 1 s window with --trace timestamp: outputs per second, latency from the newest contributing record (whole ms), no integrity claim', async ({ kafka }) => {
  const bootstrap = kafka!.bootstrap;
  const graceMs = 500;
  await withProcessor({ bootstrap, appId: 'stage-window', input: 'window-raw', output: 'window-stats', mode: 'window', windowMs: 1000, graceMs }, async () => {
    const out = join(dir, 'aggregate.json');
    const run = await runCli(['run', '--brokers', bootstrap, '--topic', 'window-raw', '--format', 'iot-json', '--devices', '20', '--duration', '8s', '--rate', '2000', '--max-publish-delay', '1s', '--observe', 'window-stats:aggregate', '--trace', 'timestamp', '--out', out], { timeoutMs: 180_000 });
    assertRan(run, out);
    const stage = resultOf(out).stages![0]!;
    assert.equal({ expect: stage.expect, trace: stage.trace }, { expect: 'aggregate', trace: 'timestamp' });
    // 20 devices, one result per device per closed window: about 20 a second over the run.
    assert.ok(stage.records >= 20 * 4 && stage.records <= 20 * 10, `outputs ${stage.records}`);
    assert.ok(stage.recordsPerSec > 5, `outputs per second ${stage.recordsPerSec}`);
    assert.equal(stage.integrity, { lost: null, duplicates: null, outOfOrder: null, foreign: null, foreignUnknownReason: 'an aggregate\'s outputs are computed from the input, not records of it', passedShare: null });
    // A window's result is emitted once stream time passes its end plus the grace: at least the grace after its newest record.
    assert.ok(stage.latency!.p50 >= graceMs * 1000 * 0.9, `p50 ${stage.latency!.p50} µs`);
    assert.ok(resultOf(out).notices.some((notice) => /whole milliseconds/.test(notice)));
    assert.match(run.stdout, /whole milliseconds/);
  });
});

stages('a processor that drops headers: the default --trace header stops the run with one line naming the stage and --trace timestamp (exit 2); --trace timestamp then measures it', async ({ kafka }) => {
  const bootstrap = kafka!.bootstrap;
  await withProcessor({ bootstrap, appId: 'stage-drop', input: 'drop-raw', output: 'drop-out', mode: 'drop-headers' }, async () => {
    const args = ['run', '--brokers', bootstrap, '--topic', 'drop-raw', '--format', 'iot-json', '--devices', '20', '--interval', '500ms', '--observe', 'drop-out'];
    const refused = await runCli([...args, '--duration', '20s', '--rate', '1000', '--max-publish-delay', '1s'], { timeoutMs: 120_000 });
    assert.is(refused.code, 2, `${refused.stdout}\n${refused.stderr}`);
    const lines = refused.stderr.trim().split('\n').filter((line) => line.includes('stage drop-out'));
    assert.is(lines.length, 1, refused.stderr);
    assert.match(lines[0]!, /no stampede\.trace header .*\(the processor dropped headers\): use --trace timestamp/);
    assert.not.match(refused.stderr, /\n\s+at /, 'no stack trace');
    assert.ok(refused.elapsedMs < 18_000, `stopped early, not after the 20 s run: ${refused.elapsedMs} ms`);
    const out = join(dir, 'dropped.json');
    const measured = await runCli([...args, '--records', '3000', '--rate', '1000', '--max-publish-delay', '1s', '--trace', 'timestamp', '--out', out], { timeoutMs: 120_000 });
    assertRan(measured, out);
    const stage = resultOf(out).stages![0]!;
    assert.is(stage.trace, 'timestamp');
    assert.ok(stage.records >= 3000, `records ${stage.records}`);
    assert.is(stage.latency!.count, stage.records);
  });
});

stages('a stage whose records lack the named JSON field stops the run with one line naming the stage, the trace and what to change (exit 2)', async ({ kafka }) => {
  const [raw, copied] = ['untraced-raw', 'untraced-copied'];
  await createTestTopic(kafka!.bootstrap, raw, 1);
  await createTestTopic(kafka!.bootstrap, copied, 1);
  const pipe = startKcatPipe({ bootstrap: kafka!.bootstrap, from: raw, to: copied, group: 'untraced-processor' });
  try {
    const run = await runCli(['run', '--brokers', kafka!.bootstrap, '--topic', raw, '--format', 'iot-json', '--devices', '10', '--duration', '20s', '--rate', '1000', '--max-publish-delay', '1s', '--observe', copied, '--trace', 'field:emitted_at', '--interval', '500ms'], { timeoutMs: 120_000 });
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

/** A run through a map processor that is killed (kill -9) mid-stream and restarted by the test; its passthrough stage. */
async function killedMidStream(bootstrap: string, name: string, guarantee: 'exactly_once_v2' | 'at_least_once', config: Record<string, string>): Promise<StageResult> {
  let stage: StageResult | undefined;
  await withProcessor({ bootstrap, appId: name, input: `${name}-raw`, output: `${name}-out`, mode: 'map', guarantee, config }, async (processor) => {
    const out = join(dir, `${name}.json`);
    const running = runCli(['run', '--brokers', bootstrap, '--topic', `${name}-raw`, '--format', 'iot-json', '--devices', '40', '--records', '24000', '--rate', '3000', '--max-publish-delay', '1s', '--drain', '90s', '--observe', `${name}-out:passthrough`, '--out', out], { timeoutMs: 240_000 });
    await sleep(5_000);
    await processor.kill9();
    await processor.restart();
    const run = await running;
    assertRan(run, out);
    stage = resultOf(out).stages![0]!;
  });
  return stage!;
}

stages('exactly_once_v2: a processor killed with kill -9 mid-run and restarted still gives passthrough lost 0 and duplicates 0 (the stage reads committed records only)', async ({ kafka }) => {
  const stage = await killedMidStream(kafka!.bootstrap, 'eos', 'exactly_once_v2', {});
  assert.equal({ lost: stage.integrity.lost, duplicates: stage.integrity.duplicates, records: stage.records }, { lost: 0, duplicates: 0, records: 24_000 });
});

stages('at_least_once: a processor killed with kill -9 mid-run re-sends what it had not committed, and the stage counts those duplicates', async ({ kafka }) => {
  // A 3 s commit interval: at 3,000 rec/s the kill lands on thousands of records processed but not committed.
  const stage = await killedMidStream(kafka!.bootstrap, 'alo', 'at_least_once', { 'commit.interval.ms': '3000' });
  assert.is(stage.integrity.lost, 0);
  assert.ok(stage.integrity.duplicates! > 0, `duplicates ${stage.integrity.duplicates}`);
  assert.is(stage.records, 24_000 + stage.integrity.duplicates!, 'every duplicate is a record read, none hidden');
});

stages('a stage topic that does not exist stops the run before anything is sent, naming the stage and the topic (exit 2)', async ({ kafka }) => {
  const run = await runCli(['run', '--brokers', kafka!.bootstrap, '--topic', 'missing-raw', '--records', '1000', '--observe', 'never-created:subset'], { timeoutMs: 60_000 });
  assert.is(run.code, 2, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stderr, /stage never-created: topic never-created does not exist: start the processor first/);
  assert.not.match(run.stderr, /\n\s+at /, 'no stack trace');
  const onTopic = await readTopicWithKcat(kafka!.bootstrap, 'missing-raw', 30_000);
  assert.is(onTopic.length, 0, 'nothing was produced');
});

stages('two chained stages (raw → enriched → alerts) give two stage entries, in pipeline order', async ({ kafka }) => {
  const [raw, enriched, alerts] = ['chain-raw', 'chain-enriched', 'chain-alerts'];
  for (const topic of [raw, enriched, alerts]) await createTestTopic(kafka!.bootstrap, topic, 2);
  const first = startKcatPipe({ bootstrap: kafka!.bootstrap, from: raw, to: enriched, group: 'chain-enrich' });
  const second = startKcatPipe({ bootstrap: kafka!.bootstrap, from: enriched, to: alerts, group: 'chain-alert', keep: (value) => temperatureOf(value) > 22 });
  try {
    const out = join(dir, 'chain.json');
    const run = await runCli(['run', '--brokers', kafka!.bootstrap, '--topic', raw, '--format', 'iot-json', '--devices', '50', '--records', '5000', '--rate', '2500', '--max-publish-delay', '1s', '--observe', `${enriched}:passthrough`, '--observe', `${alerts}:subset`, '--trace', 'field:sent_at_us', '--processor-group', 'chain-enrich', '--processor-group', 'chain-alert', '--out', out], { timeoutMs: 120_000 });
    assertRan(run, out);
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

stages('--processor-group: the Kafka Streams processor\'s lag on its input rises while it is stopped (SIGSTOP) and falls after SIGCONT', async ({ kafka }) => {
  const bootstrap = kafka!.bootstrap;
  await withProcessor({ bootstrap, appId: 'stage-lag', input: 'lag-raw', output: 'lag-out', mode: 'map' }, async (processor) => {
    const out = join(dir, 'lag.json');
    const running = runCli(['run', '--brokers', bootstrap, '--topic', 'lag-raw', '--format', 'iot-json', '--devices', '20', '--duration', '14s', '--rate', '2000', '--max-publish-delay', '1s', '--observe', 'lag-out', '--trace', 'field:sent_at_us', '--processor-group', 'stage-lag', '--interval', '500ms', '--out', out], { timeoutMs: 120_000 });
    await sleep(5_000);
    processor.pause();
    await sleep(4_000);
    processor.resume();
    const run = await running;
    assertRan(run, out);
    const result = resultOf(out);
    const lags = result.intervals.map((row) => row.stages![0]!.processorLagRecords);
    const known = lags.filter((lag): lag is number => lag !== null);
    const peak = Math.max(...known);
    const peakAt = known.indexOf(peak);
    // Running, it commits every 100 ms: a few hundred records behind. Stopped 4 s at 2,000 rec/s: thousands.
    assert.ok(peak >= 5_000, `peak lag ${peak}: ${lags.join(' ')}`);
    assert.ok(Math.min(...known.slice(0, Math.max(peakAt - 8, 1))) < 1_000, `low before the stop: ${lags.join(' ')}`);
    assert.ok(Math.min(...known.slice(peakAt)) < 1_000, `falls after SIGCONT: ${lags.join(' ')}`);
    const stage = result.stages![0]!;
    assert.equal({ group: stage.processorLag!.group, input: stage.processorLag!.input, maxRecords: stage.processorLag!.maxRecords }, { group: 'stage-lag', input: 'lag-raw', maxRecords: peak });
    assert.is(stage.integrity.lost, 0);
    assert.match(run.stdout, /proc lag [\d,]+/);
  });
});

stages.run();
