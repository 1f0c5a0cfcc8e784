import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { waitUntil } from '../../helpers/wait.js';
import { Worker } from 'node:worker_threads';
import { loadNative, nativeAddonPath } from '../../../src/native/load.js';
import { BatchBuilder, kRecordHeaderBytes, kTracedRecordHeaderBytes } from '../../../src/records/batch.js';
import { kFailedSlot, kRegionBytes, kRegionSlots, regionBytesFor } from '../../../src/shared/layout.js';
import { readRegion } from '../../../src/shared/region.js';

// No broker here: nothing listens on port 1, so records stay queued until purged.
const nowhere = { 'bootstrap.servers': '127.0.0.1:1' };
const { NativeProducer } = loadNative();
const newRegion = (): Float64Array => new Float64Array(new SharedArrayBuffer(regionBytesFor(1)), 0, kRegionSlots);

/** Names of this process's threads started by the addon (librdkafka's rdk:*, our poll thread). */
function addonThreads(): string[] {
  return readdirSync('/proc/self/task')
    .map((task) => readFileSync(`/proc/self/task/${task}/comm`, 'utf8').trim())
    .filter((name) => name.startsWith('rdk:') || name.startsWith('stampede-dr'));
}

function batchOf(records: number): Buffer {
  const builder = new BatchBuilder(1024);
  for (let i = 0; i < records; i++) builder.add(String(i), 10, 0);
  return Buffer.from(builder.view());
}

const code = (err: unknown): string | undefined => (err as { code?: string }).code;

test('constructor arguments are checked: property, region size, topic', () => {
  const cases: [Record<string, string>, string, Float64Array, RegExp][] = [
    [{ ...nowhere, 'linger.mss': '5' }, 't', newRegion(), /producer property linger\.mss=5 rejected: No such configuration property: "linger\.mss"/],
    [{ ...nowhere, 'linger.ms': '-5' }, 't', newRegion(), /producer property linger\.ms=-5 rejected: .*outside allowed range/],
    [nowhere, 't', new Float64Array(16), /exactly one worker region \(23563 slots\), got 16 slots/],
    [nowhere, '', newRegion(), /topic must be a non-empty name/],
  ];
  for (const [config, topic, region, message] of cases) {
    try {
      new NativeProducer(config, topic, region);
      assert.unreachable(String(message));
    } catch (err) {
      assert.is(code(err), 'InvalidArg', String(message));
      assert.match((err as Error).message, message);
    }
  }
});

test('produceBatch walks the whole batch and says where it stopped', () => {
  const producer = new NativeProducer(nowhere, 't', newRegion());
  try {
    const packed = batchOf(100);
    assert.equal(producer.produceBatch(packed, 0), { records: 100, rejected: 0, nextByte: packed.length, queueFull: false });
    const eleventh = 10 * (16 + 1 + 10); // keys "0".."9" take one byte
    assert.equal(producer.produceBatch(packed, eleventh), { records: 90, rejected: 0, nextByte: packed.length, queueFull: false });
    assert.is(producer.produceBatch(packed, packed.length).records, 0);
    try {
      producer.produceBatch(packed, packed.length + 1);
      assert.unreachable();
    } catch (err) {
      assert.is(code(err), 'InvalidArg');
      assert.match((err as Error).message, /fromByte \d+ is past the end/);
    }
  } finally {
    producer.close();
  }
});

test('QUEUE_FULL stops the call and hands back the offset to resume from', () => {
  const producer = new NativeProducer({ ...nowhere, 'queue.buffering.max.messages': '30' }, 't', newRegion());
  try {
    const packed = batchOf(50);
    const first = producer.produceBatch(packed, 0);
    assert.is(first.records, 30);
    assert.ok(first.queueFull);
    const again = producer.produceBatch(packed, first.nextByte);
    assert.is(again.records, 0, 'still full: nothing is delivered without a broker');
    assert.is(again.nextByte, first.nextByte);
  } finally {
    producer.close();
  }
});

test('QUEUE_FULL past the first enqueue chunk (1024 records) resumes at the first record refused', () => {
  const producer = new NativeProducer({ ...nowhere, 'queue.buffering.max.messages': '1300' }, 't', newRegion());
  try {
    const packed = batchOf(2400);
    // Byte offset of record 1300: keys '0'…'1299' are 1–4 digits, values 10 bytes, headers 16.
    let record1300 = 0;
    for (let i = 0; i < 1300; i++) record1300 += kRecordHeaderBytes + String(i).length + 10;
    const first = producer.produceBatch(packed, 0);
    assert.equal({ records: first.records, queueFull: first.queueFull, nextByte: first.nextByte }, { records: 1300, queueFull: true, nextByte: record1300 });
  } finally {
    producer.close();
  }
});

test('a traced producer: traceRunId must be 8 bytes; QUEUE_FULL resumes at the first record refused, one record per call into librdkafka', () => {
  try {
    new NativeProducer(nowhere, 't', newRegion(), { traceRunId: Buffer.alloc(7) });
    assert.unreachable();
  } catch (err) {
    assert.is(code(err), 'InvalidArg');
    assert.match((err as Error).message, /traceRunId must be 8 bytes \(got 7\)/);
  }
  const producer = new NativeProducer({ ...nowhere, 'queue.buffering.max.messages': '30' }, 't', newRegion(), { traceRunId: Buffer.alloc(8, 1) });
  try {
    const builder = new BatchBuilder(1024, true);
    for (let i = 0; i < 50; i++) builder.add(String(i), 10, 1_700_000_000_000_000 + i, i, 0);
    const packed = Buffer.from(builder.view());
    let record30 = 0;
    for (let i = 0; i < 30; i++) record30 += kTracedRecordHeaderBytes + String(i).length + 10;
    assert.equal(producer.produceBatch(packed, 0), { records: 30, rejected: 0, nextByte: record30, queueFull: true });
    assert.is(producer.produceBatch(packed, record30).records, 0, 'still full: nothing is delivered without a broker');
  } finally {
    producer.close();
  }
});

test('records refused at enqueue are counted as failed and named', () => {
  const region = newRegion();
  const producer = new NativeProducer({ ...nowhere, 'message.max.bytes': '1000' }, 't', region);
  try {
    const builder = new BatchBuilder();
    builder.add('1', 10, 0);
    builder.add('2', 5000, 0); // larger than message.max.bytes
    builder.add('3', 10, 0);
    const outcome = producer.produceBatch(builder.view(), 0);
    assert.is(outcome.records, 2);
    assert.is(outcome.rejected, 1);
    assert.match(outcome.error ?? '', /Message size too large/i);
    assert.is(region[kFailedSlot], 1, 'failed slot');
    // lastError holds it too, unless the poll thread has since seen "connection refused" on port 1.
    assert.ok(producer.lastError);
  } finally {
    producer.close();
  }
});

test('close joins every thread the producer started, purges what is queued as failed, and is idempotent', async () => {
  if (!existsSync('/proc/self/task')) return; // thread names are read from Linux's /proc
  assert.ok(await waitUntil(() => addonThreads().length === 0), `no addon thread before: ${addonThreads().join()}`);
  const region = newRegion();
  const producer = new NativeProducer(nowhere, 't', region);
  // A new thread names itself once it runs.
  assert.ok(await waitUntil(() => addonThreads().includes('stampede-dr-pol')), addonThreads().join());
  assert.ok(addonThreads().includes('rdk:main'));
  producer.produceBatch(batchOf(25), 0);
  producer.close();
  producer.close();
  assert.is(region[kFailedSlot], 25, 'purged records are failed, not lost');
  // An exited thread can stay listed for a moment after it was joined.
  assert.ok(await waitUntil(() => addonThreads().length === 0), `threads left: ${addonThreads().join()}`);
  for (const call of [() => producer.produceBatch(batchOf(1), 0), () => producer.flush(10)]) {
    try {
      call();
      assert.unreachable();
    } catch (err) {
      assert.match((err as Error).message, /the producer is closed/);
    }
  }
});

test('a worker terminated mid-run without close() finalizes its producer: no crash, nothing lost', async () => {
  const regions = new SharedArrayBuffer(regionBytesFor(2));
  const source = `
    const { workerData, parentPort } = require('node:worker_threads');
    const { NativeProducer } = require(${JSON.stringify(nativeAddonPath)});
    const region = new Float64Array(workerData.regions, ${kRegionBytes}, ${kRegionSlots});
    const producer = new NativeProducer({ 'bootstrap.servers': '127.0.0.1:1' }, 't', region);
    producer.produceBatch(workerData.packed, 0);
    parentPort.postMessage('queued');
    setInterval(() => {}, 1000);`;
  const worker = new Worker(source, { eval: true, workerData: { regions, packed: batchOf(40) } });
  await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
  await worker.terminate();
  assert.is(readRegion(regions, 1).counters.failed, 40);
  assert.is(readRegion(regions, 0).counters.failed, 0, 'the neighbouring region is untouched');
});

test.run();
