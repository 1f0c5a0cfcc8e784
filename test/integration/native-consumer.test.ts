import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { NativeConsumerClient, unpackConsumed, type ConsumedRecord } from '../../src/clients/native-consumer.js';
import { connectionSettings, createTestTopic } from '../helpers/topics.js';
import { SequenceTracker } from '../../src/verify/sequence-tracker.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runCli, type CliOutcome } from '../helpers/cli.js';
import { kBrokerFloorUs } from '../helpers/latency.js';
import { ConsumedChecker, type CheckSummary } from './native-consumer-check.js';
import type { ConsumerReport, E2eConsumerTask } from './native-consumer-worker.js';

const workerFile = fileURLToPath(new URL('./native-consumer-worker.js', import.meta.url));
const kDevices = 300;
const kRecords = 30_000;
const kPerDevice = kRecords / kDevices;
const allDevices = Array.from({ length: kDevices }, (_, device) => device);

const broker = suite<{ kafka?: TestBroker; out?: string }>('native consumer on a real broker');

broker.before(async (context) => {
  try {
    context.kafka = await startTestBroker();
  } catch (err) {
    console.error('the test broker did not start:', err); // uvu drops a failing before hook's error
    throw err;
  }
  context.out = mkdtempSync(join(tmpdir(), 'stampede-consumer-'));
});

broker.after(async (context) => {
  await context.kafka?.stop();
  if (context.out) rmSync(context.out, { recursive: true, force: true });
});

/** 30,000 iot-msgpack records of 300 devices, 100 each, through the CLI's native producer. */
function produce(bootstrap: string, topic: string, out: string): Promise<CliOutcome> {
  const args = ['run', '--brokers', bootstrap, '--topic', topic, '--devices', String(kDevices), '--records', String(kRecords), '--format', 'iot-msgpack', '--out', join(out, `${topic}.json`)];
  return runCli(args, { timeoutMs: 120_000 });
}

/** `wallMs`: measured around producing and reading the records, so no end-to-end latency can exceed it. */
function assertChecked(check: CheckSummary, label: string, wallMs: number): void {
  assert.is(check.offsetRegressions, 0, `${label}: offsets increase within each partition`);
  assert.is(check.receivedBeforeSent, 0, `${label}: receivedAtUs ≥ sentAtUs (min latency ${check.minLatencyUs} µs)`);
  assert.is(check.keyMismatches, 0, `${label}: key = device id`);
  // µs of a real trip through the broker: none at 0, a mean of at least a round trip, none longer than the wall time.
  assert.ok(check.minLatencyUs > 0, `${label}: min end-to-end latency ${check.minLatencyUs} µs`);
  assert.ok(check.meanLatencyUs >= kBrokerFloorUs, `${label}: mean end-to-end latency ${check.meanLatencyUs} µs, below ${kBrokerFloorUs} µs`);
  assert.ok(check.maxLatencyUs <= wallMs * 1000, `${label}: end-to-end latency ${check.maxLatencyUs} µs, longer than the ${wallMs.toFixed(0)} ms it all took`);
  assert.ok(check.partitions.every((partition) => [0, 1, 2].includes(partition)), `${label}: partitions ${check.partitions}`);
}

function assertEveryRecordOnce(tracker: SequenceTracker): void {
  const integrity = tracker.summarize({ devices: allDevices, recordsPerDevice: () => kPerDevice });
  assert.is(integrity.devices, kDevices);
  assert.is(integrity.uniqueRecords, kRecords);
  assert.is(integrity.duplicates, 0);
  assert.is(integrity.lost, 0, `lost: ${JSON.stringify(integrity.examples)}`);
}

broker('one consumer joins, then reads all 30,000 records of a CLI run exactly once, with their end-to-end latency', async ({ kafka, out }) => {
  const topic = 'consume-all';
  const bootstrap = kafka!.bootstrap;
  await createTestTopic(bootstrap, topic, 3);
  const groupId = `stampede-test-${process.pid}-${Date.now()}`;
  const client = new NativeConsumerClient({ 'bootstrap.servers': bootstrap, 'group.id': groupId, 'auto.offset.reset': 'earliest' }, topic);
  try {
    const joinStartedAt = Date.now();
    const partitions = await client.waitForAssignment(30_000);
    const joinMs = Date.now() - joinStartedAt;
    assert.equal(partitions, [0, 1, 2], 'a lone member gets every partition');

    const checker = new ConsumedChecker('iot-msgpack');
    const producedFromMs = performance.now();
    const produced = produce(bootstrap, topic, out!);
    let cli: CliOutcome | undefined;
    void produced.then((outcome) => (cli = outcome), () => undefined);
    const deadline = Date.now() + 90_000;
    let batches = 0;
    let largest = 0;
    let firstAt = 0;
    let lastAt = 0;
    while (checker.summary().records < kRecords && Date.now() < deadline) {
      const batch = client.poll(5_000, 100);
      if (batch) {
        checker.add(batch.packed);
        batches++;
        largest = Math.max(largest, batch.count);
        lastAt = Date.now();
        firstAt ||= lastAt;
      }
      await yieldToLoop(); // lets the CLI's output in
    }
    const outcome = cli ?? (await produced);
    assert.is(outcome.code, 0, outcome.stderr);
    // Nothing more may come: a duplicate would show here.
    const extra = client.poll(5_000, 1_000);
    if (extra) checker.add(extra.packed);
    const wallMs = performance.now() - producedFromMs;

    const check = checker.summary();
    console.log(`  one consumer: joined in ${joinMs} ms; ${check.records} records in ${batches} polls (largest ${largest}) over ${lastAt - firstAt} ms; e2e latency min ${(check.minLatencyUs / 1000).toFixed(1)} ms, mean ${(check.meanLatencyUs / 1000).toFixed(1)} ms, max ${(check.maxLatencyUs / 1000).toFixed(1)} ms`);
    assert.is(check.records, kRecords);
    assert.ok(!extra, 'no record after the 30,000th');
    assertChecked(check, 'one consumer', wallMs);
    assert.equal(check.partitions, [0, 1, 2]);
    assertEveryRecordOnce(checker.tracker);

    const ends = client.endOffsets(10_000);
    assert.equal([...ends.keys()].sort(), [0, 1, 2]);
    let total = 0;
    for (const [partition, { low, high }] of ends) {
      total += high - low;
      assert.is(checker.nextOffset(partition, low), high, `partition ${partition} was read to its end`);
    }
    assert.is(total, kRecords, 'Σ(high − low) over the partitions = records produced');
  } finally {
    client.close();
    client.close(); // idempotent
  }
});

broker('records already on the topic when a consumer joins are kept through waitForAssignment, then handed out maxRecords at a time', async ({ kafka, out }) => {
  const topic = 'consume-late-joiner';
  const bootstrap = kafka!.bootstrap;
  await createTestTopic(bootstrap, topic, 3);
  const outcome = await runCli(['run', '--brokers', bootstrap, '--topic', topic, '--devices', '30', '--records', '3000', '--format', 'iot-msgpack', '--out', join(out!, `${topic}.json`)], { timeoutMs: 120_000 });
  assert.is(outcome.code, 0, outcome.stderr);
  const client = new NativeConsumerClient({ 'bootstrap.servers': bootstrap, 'group.id': `stampede-late-${process.pid}-${Date.now()}`, 'auto.offset.reset': 'earliest' }, topic);
  try {
    assert.equal(await client.waitForAssignment(30_000), [0, 1, 2]);
    const checker = new ConsumedChecker('iot-msgpack');
    const deadline = Date.now() + 30_000;
    let largest = 0;
    while (checker.summary().records < 3_000 && Date.now() < deadline) {
      const batch = client.poll(100, 200);
      if (!batch) continue;
      largest = Math.max(largest, batch.count);
      checker.add(batch.packed);
    }
    assert.ok(largest <= 100, `no batch above maxRecords (largest ${largest})`);
    assert.is(client.poll(100, 500), null, 'nothing after the 3,000th');
    const check = checker.summary();
    assert.is(check.records, 3_000);
    assert.is(check.offsetRegressions, 0);
    const integrity = checker.tracker.summarize({ devices: Array.from({ length: 30 }, (_, d) => d), recordsPerDevice: () => 100 });
    assert.is(integrity.uniqueRecords, 3_000);
    assert.is(integrity.duplicates, 0);
    assert.is(integrity.lost, 0);
  } finally {
    client.close();
  }
});

function startMember(task: E2eConsumerTask, onAssignment: (partitions: number[], atMs: number) => void): { worker: Worker; result: Promise<Extract<ConsumerReport, { type: 'result' }>> } {
  const worker = new Worker(workerFile, { workerData: task });
  const result = new Promise<Extract<ConsumerReport, { type: 'result' }>>((resolve, reject) => {
    let report: Extract<ConsumerReport, { type: 'result' }> | undefined;
    worker.on('message', (message: ConsumerReport) => {
      if (message.type === 'assignment') onAssignment(message.partitions, message.atMs);
      else report = message;
    });
    worker.on('error', reject);
    worker.on('exit', (code) => (report && code === 0 ? resolve(report) : reject(new Error(`consumer worker exited ${code} without a result`))));
  });
  result.catch(() => undefined); // awaited only after the group is stable; a failure before that must not crash the run
  return { worker, result };
}

broker('two consumers of one group in two worker threads split the partitions and together read each record once', async ({ kafka, out }) => {
  const topic = 'consume-split';
  const bootstrap = kafka!.bootstrap;
  await createTestTopic(bootstrap, topic, 3);
  const config = { 'bootstrap.servers': bootstrap, 'group.id': `stampede-split-${process.pid}-${Date.now()}`, 'auto.offset.reset': 'earliest' };
  const assignments: number[][] = [[], []];
  const history: string[] = [];
  const startedAt = Date.now();
  let settled: () => void = () => undefined;
  const stable = new Promise<void>((resolve) => (settled = resolve));
  const onAssignment = (index: number) => (partitions: number[], atMs: number) => {
    assignments[index] = partitions;
    history.push(`+${atMs - startedAt} ms member ${index}: [${partitions}]`);
    const [a, b] = assignments as [number[], number[]];
    const union = [...a, ...b].sort();
    if (a.length > 0 && b.length > 0 && union.join() === '0,1,2') settled();
  };
  const members = [0, 1].map((index) => startMember({ config, topic, timeoutMs: 120_000 }, onAssignment(index)));
  try {
    const timeout = setTimeout(() => settled(), 45_000);
    await stable;
    clearTimeout(timeout);
    const stableMs = Date.now() - startedAt;
    console.log(`  two consumers: group stable after ${stableMs} ms (${history.join('; ')})`);
    const [a, b] = assignments as [number[], number[]];
    assert.ok(a.length > 0 && b.length > 0, `both members have partitions: ${JSON.stringify(assignments)}`);
    assert.equal([...a, ...b].sort(), [0, 1, 2], 'the members split the partitions, none shared');

    const producedFromMs = performance.now();
    const outcome = await produce(bootstrap, topic, out!);
    assert.is(outcome.code, 0, outcome.stderr);
    for (const { worker } of members) worker.postMessage('finish');
    const results = await Promise.all(members.map(({ result }) => result));
    const wallMs = performance.now() - producedFromMs;

    const tracker = new SequenceTracker();
    for (const [index, { check, tracker: exported, finalAssignment, reachedEnd }] of results.entries()) {
      console.log(`  member ${index}: partitions [${finalAssignment}], ${check.records} records, e2e latency mean ${(check.meanLatencyUs / 1000).toFixed(1)} ms, max ${(check.maxLatencyUs / 1000).toFixed(1)} ms`);
      assert.ok(reachedEnd, `member ${index} read its partitions to their end offsets`);
      assert.ok(check.records > 0, `member ${index} got records`);
      assertChecked(check, `member ${index}`, wallMs);
      assert.equal(check.partitions, finalAssignment, `member ${index} read only its own partitions`);
      tracker.merge(SequenceTracker.import(exported));
    }
    assert.is(results[0]!.check.records + results[1]!.check.records, kRecords);
    assertEveryRecordOnce(tracker);
  } finally {
    await Promise.all(members.map(({ worker }) => worker.terminate()));
  }
});

/**
 * Writes records with node-rdkafka (a producer we did not write), each with the CreateTime given
 * and a header: `stampede.trace` with a text value on even records (node-rdkafka writes header
 * values as UTF-8 text, so it cannot write the binary trace), another name on odd ones.
 */
async function produceWithNodeRdkafka(bootstrap: string, topic: string, count: number, createTimeMs: (i: number) => number): Promise<void> {
  const Kafka = createRequire(import.meta.url)('node-rdkafka') as { Producer: new (conf: Record<string, unknown>) => NodeRdkafkaProducer };
  const producer = new Kafka.Producer({ 'bootstrap.servers': bootstrap, dr_cb: true });
  await new Promise<void>((resolve, reject) => producer.connect({ timeout: 15_000 }, (err) => (err ? reject(err) : resolve())));
  try {
    for (let i = 0; i < count; i++) {
      const headers = i % 2 === 0 ? [{ 'stampede.trace': Buffer.from('not a trace') }] : [{ other: Buffer.from('x') }];
      producer.produce(topic, null, Buffer.from(`value ${i}`), Buffer.from(String(i)), createTimeMs(i), null, headers);
    }
    await new Promise<void>((resolve, reject) => producer.flush(15_000, (err) => (err ? reject(err) : resolve())));
  } finally {
    await new Promise<void>((resolve) => producer.disconnect(() => resolve()));
  }
}

interface NodeRdkafkaProducer {
  connect(options: { timeout: number }, callback: (err: Error | null) => void): void;
  produce(topic: string, partition: number | null, value: Buffer, key: Buffer, timestamp: number, opaque: null, headers: Record<string, Buffer>[]): boolean;
  flush(timeoutMs: number, callback: (err: Error | null) => void): void;
  disconnect(callback: () => void): void;
}

broker('each record of another producer comes back with its CreateTime; a stampede.trace header that is no trace shows as unreadable, none as null', async ({ kafka }) => {
  const topic = 'consume-timestamps';
  const bootstrap = kafka!.bootstrap;
  await createTestTopic(bootstrap, topic, 2);
  const baseMs = Date.now() - 60_000;
  const createTimeMs = (i: number): number => baseMs + i * 7;
  await produceWithNodeRdkafka(bootstrap, topic, 200, createTimeMs);
  const client = new NativeConsumerClient({ ...connectionSettings(bootstrap), 'group.id': `stampede-trace-${process.pid}-${Date.now()}`, 'auto.offset.reset': 'earliest' }, topic);
  try {
    await client.waitForAssignment(30_000);
    const seen = new Map<string, ConsumedRecord>();
    const deadline = Date.now() + 30_000;
    while (seen.size < 200 && Date.now() < deadline) {
      const batch = client.poll(1000, 100);
      if (batch) for (const record of unpackConsumed(batch.packed)) seen.set(record.value.toString(), { ...record, key: Buffer.from(record.key), value: Buffer.from(record.value) });
      else await yieldToLoop();
    }
    assert.is(seen.size, 200);
    for (let i = 0; i < 200; i++) {
      const record = seen.get(`value ${i}`)!;
      assert.is(record.timestampType, 'create', `record ${i}`);
      assert.is(record.timestampMs, createTimeMs(i), `record ${i}: CreateTime as produced`);
      assert.is(record.trace, i % 2 === 0 ? 'unreadable' : null, `record ${i}`);
      assert.is(record.key.toString(), String(i));
    }
  } finally {
    client.close();
  }
});

broker.run();
