import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { waitUntil } from '../../helpers/wait.js';
import { Worker } from 'node:worker_threads';
import { countConsumed, kConsumedHeaderBytes, kTraceBlockBytes, NativeConsumerClient, splitConsumed, unpackConsumed } from '../../../src/clients/native-consumer.js';
import { StampedeError } from '../../../src/errors.js';
import { loadNative, nativeAddonPath, type ConsumedRecordForTest } from '../../../src/native/load.js';
import { encodeTraceHeader } from '../../../src/records/trace.js';

// No broker here: nothing listens on port 1.
const nowhere = { 'bootstrap.servers': '127.0.0.1:1', 'group.id': 'stampede-unit' };
const { NativeConsumer, packConsumedForTest } = loadNative();
const code = (err: unknown): string | undefined => (err as { code?: string }).code;

/** Names of this process's threads started by the addon (librdkafka's rdk:*). */
function addonThreads(): string[] {
  return readdirSync('/proc/self/task')
    .map((task) => readFileSync(`/proc/self/task/${task}/comm`, 'utf8').trim())
    .filter((name) => name.startsWith('rdk:') || name.startsWith('stampede-'));
}

const record = (key: string, value: string | Buffer, partition: number, offset: number, receivedAtUs: number): ConsumedRecordForTest => ({
  key: Buffer.from(key),
  value: typeof value === 'string' ? Buffer.from(value) : value,
  partition,
  offset,
  receivedAtUs,
});

test('constructor arguments are checked: property named, group.id required, topics', () => {
  const cases: [Record<string, string>, string[], RegExp][] = [
    [{ ...nowhere, 'fetch.wait.max.mss': '5' }, ['t'], /consumer property fetch\.wait\.max\.mss=5 rejected: No such configuration property: "fetch\.wait\.max\.mss"/],
    [{ ...nowhere, 'session.timeout.ms': '-1' }, ['t'], /consumer property session\.timeout\.ms=-1 rejected: .*outside allowed range/],
    [{ ...nowhere, 'auto.offset.reset': 'sometime' }, ['t'], /consumer property auto\.offset\.reset=sometime rejected: Invalid value/],
    [{ 'bootstrap.servers': '127.0.0.1:1' }, ['t'], /group\.id is required/],
    [nowhere, [], /at least one topic/],
    [nowhere, ['t', ''], /non-empty names/],
  ];
  for (const [config, topics, message] of cases) {
    try {
      new NativeConsumer(config, topics);
      assert.unreachable(String(message));
    } catch (err) {
      assert.is(code(err), 'InvalidArg', String(message));
      assert.match((err as Error).message, message);
    }
  }
});

test('the client turns a rejected property into E_CLIENT naming it', () => {
  try {
    new NativeConsumerClient({ ...nowhere, 'fetch.wait.max.mss': '5' }, 't');
    assert.unreachable('the consumer was created');
  } catch (err) {
    assert.instance(err, StampedeError);
    assert.is((err as StampedeError).code, 'E_CLIENT');
    assert.match((err as Error).message, /fetch\.wait\.max\.mss=5 rejected: No such configuration property/);
  }
});

test('without a broker: poll waits its timeout and returns null, nothing is assigned, the error is kept', () => {
  const consumer = new NativeConsumer(nowhere, ['t']);
  try {
    const startedAt = performance.now();
    assert.is(consumer.poll(100, 300), null);
    const waited = performance.now() - startedAt;
    assert.ok(waited >= 290 && waited < 2_000, `waited ${waited} ms`);
    assert.equal(consumer.assignment(), []);
    assert.match(consumer.lastError ?? '', /brokers are down|Connection refused/i);
    try {
      consumer.poll(0, 10);
      assert.unreachable();
    } catch (err) {
      assert.is(code(err), 'InvalidArg');
      assert.match((err as Error).message, /maxRecords must be at least 1/);
    }
    try {
      consumer.endOffsets(200);
      assert.unreachable();
    } catch (err) {
      assert.match((err as Error).message, /no metadata for topic t within 200 ms/);
    }
  } finally {
    consumer.close();
  }
});

test('waitForAssignment times out naming the group and topic', async () => {
  const client = new NativeConsumerClient(nowhere, 'lonely-topic');
  try {
    await client.waitForAssignment(300);
    assert.unreachable();
  } catch (err) {
    assert.instance(err, StampedeError);
    assert.match((err as Error).message, /consumer group stampede-unit assigned no partition of topic lonely-topic to this member within 300 ms/);
    assert.match((err as Error).message, /last error: .*brokers are down/i);
  } finally {
    client.close();
  }
});

test('close joins every librdkafka thread, is idempotent, and later calls say the consumer is closed', async () => {
  if (!existsSync('/proc/self/task')) return; // thread names are read from Linux's /proc
  assert.ok(await waitUntil(() => addonThreads().length === 0), `no addon thread before: ${addonThreads().join()}`);
  const consumer = new NativeConsumer(nowhere, ['t']);
  consumer.poll(10, 50);
  assert.ok(addonThreads().includes('rdk:main'), addonThreads().join());
  const startedAt = performance.now();
  consumer.close();
  consumer.close();
  assert.ok(performance.now() - startedAt < 5_000, 'closing without a coordinator does not hang');
  // An exited thread can stay listed for a moment after it was joined.
  assert.ok(await waitUntil(() => addonThreads().length === 0), `threads left: ${addonThreads().join()}`);
  assert.is(consumer.lastError, null);
  for (const call of [() => consumer.poll(1, 10), () => consumer.assignment(), () => consumer.endOffsets(10)]) {
    try {
      call();
      assert.unreachable();
    } catch (err) {
      assert.match((err as Error).message, /the consumer is closed/);
    }
  }
});

test('a worker terminated without close() finalizes its consumer: no crash, no thread left', async () => {
  const source = `
    const { parentPort } = require('node:worker_threads');
    const { NativeConsumer } = require(${JSON.stringify(nativeAddonPath)});
    const consumer = new NativeConsumer({ 'bootstrap.servers': '127.0.0.1:1', 'group.id': 'g' }, ['t']);
    consumer.poll(10, 20);
    parentPort.postMessage('polled');
    setInterval(() => {}, 1000);`;
  const worker = new Worker(source, { eval: true });
  await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
  await worker.terminate();
  if (!existsSync('/proc/self/task')) return;
  assert.ok(await waitUntil(() => addonThreads().length === 0), `threads left: ${addonThreads().join()}`);
});

test('unpackConsumed reads back what the native writer packed, as views', () => {
  const records = [
    record('17', 'abc', 2, 0, 1_700_000_000_123_456),
    record('', '', 0, 5, 1),
    record('299', Buffer.alloc(1000, 7), 1, 2 ** 40 + 3, 1_700_000_000_999_999),
  ];
  const packed = packConsumedForTest(records);
  assert.is(packed.length, 3 * kConsumedHeaderBytes + 2 + 3 + 3 + 1000);
  assert.is(countConsumed(packed), 3);
  const unpacked = [...unpackConsumed(packed)];
  assert.is(unpacked.length, 3);
  for (const [i, got] of unpacked.entries()) {
    const want = records[i]!;
    assert.equal(got.key, want.key);
    assert.equal(got.value, want.value);
    assert.is(got.partition, want.partition);
    assert.is(got.offset, want.offset);
    assert.is(got.receivedAtUs, want.receivedAtUs);
    assert.is(got.value.buffer, packed.buffer, 'a view into the batch, not a copy');
    assert.is(got.timestampType, 'none');
    assert.is(got.timestampMs, -1);
    assert.is(got.trace, null);
  }
  assert.is(packed.readUInt32LE(12), 0, 'no timestamp, no trace, reserved 0');
  assert.equal([...unpackConsumed(Buffer.alloc(0))], []);
});

test('Kafka timestamps and the record trace header come back per record, beside key and value', () => {
  const trace = { runId: '0123456789abcdef', deviceId: 4_000_000_000, seq: 2 ** 40 + 1, intendedSendUs: 1_700_000_000_123_456 };
  const records: ConsumedRecordForTest[] = [
    { ...record('7', 'v1', 0, 1, 10), timestampType: 1, timestampMs: 1_700_000_000_123, traceHeader: encodeTraceHeader(trace) },
    { ...record('8', 'v2', 1, 2, 20), timestampType: 2, timestampMs: 1_700_000_000_999 },
    // A header under the name that is not a version-1 trace: seen as such, never misread.
    { ...record('9', 'v3', 2, 3, 30), timestampType: 1, timestampMs: 5, traceHeader: Buffer.from('not a trace') },
    { ...record('', '', 3, 4, 40), traceHeader: Buffer.concat([Buffer.from([2]), encodeTraceHeader(trace).subarray(1)]) },
  ];
  const packed = packConsumedForTest(records);
  assert.is(packed.length, 4 * kConsumedHeaderBytes + kTraceBlockBytes + 3 + 6);
  assert.is(countConsumed(packed), 4);
  const got = [...unpackConsumed(packed)];
  assert.equal(got.map((r) => [r.key.toString(), r.value.toString()]), [['7', 'v1'], ['8', 'v2'], ['9', 'v3'], ['', '']]);
  assert.equal(got.map((r) => r.timestampType), ['create', 'logAppend', 'create', 'none']);
  assert.equal(got.map((r) => r.timestampMs), [1_700_000_000_123, 1_700_000_000_999, 5, -1]);
  assert.equal(got[0]!.trace, trace);
  assert.equal(got.slice(1).map((r) => r.trace), [null, 'unreadable', 'unreadable']);
  const { head, rest } = splitConsumed(packed, 1);
  assert.is(head.count, 1);
  assert.equal([...unpackConsumed(rest!)].map((r) => r.offset), [2, 3, 4]);
});

test('a truncated batch is an error, never a wrong record', () => {
  const traced = packConsumedForTest([{ ...record('1', 'xyz', 0, 0, 0), traceHeader: encodeTraceHeader({ runId: '00'.repeat(8), deviceId: 1, seq: 2, intendedSendUs: 3 }) }]);
  for (let cut = 1; cut < traced.length; cut++) assert.throws(() => countConsumed(traced.subarray(0, cut)), /truncated/, `traced, cut at ${cut}`);
  const packed = packConsumedForTest([record('1', 'xyz', 0, 0, 0)]);
  for (let cut = 1; cut < packed.length; cut++) {
    assert.throws(() => [...unpackConsumed(packed.subarray(0, cut))], /truncated/, `cut at ${cut}`);
    assert.throws(() => countConsumed(packed.subarray(0, cut)), /truncated/);
  }
});

test('splitConsumed hands out the first records and keeps the rest', () => {
  const packed = packConsumedForTest(Array.from({ length: 5 }, (_, i) => record(String(i), 'v'.repeat(i), i % 3, i, i)));
  const { head, rest } = splitConsumed(packed, 2);
  assert.is(head.count, 2);
  assert.equal([...unpackConsumed(head.packed)].map((r) => r.offset), [0, 1]);
  assert.equal([...unpackConsumed(rest!)].map((r) => r.offset), [2, 3, 4]);
  const all = splitConsumed(packed, 10);
  assert.is(all.head.count, 5);
  assert.is(all.rest, null);
});

test.run();
