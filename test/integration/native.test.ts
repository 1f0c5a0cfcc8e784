import { wallClockUs } from '../../src/runtime.js';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { NativeClient } from '../../src/clients/native-client.js';
import { librdkafkaSettings } from '../../src/clients/librdkafka-settings.js';
import { StampedeError } from '../../src/errors.js';
import { toHdrHistogram } from '../../src/histogram/merge.js';
import { connectionSettings, createTestTopic } from '../helpers/topics.js';
import { BatchBuilder } from '../../src/records/batch.js';
import { encoderFor } from '../../src/records/codec.js';
import { DeviceSimulator, newReading } from '../../src/records/device.js';
import { regionBytesFor } from '../../src/shared/layout.js';
import { readRegion, RegionWriter } from '../../src/shared/region.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { checkIntegrity } from '../helpers/integrity.js';
import { partitionFor } from '../../bench/micro/murmur2.js';
import { runCli } from '../helpers/cli.js';
import { readTopicWithKcat } from '../helpers/kcat.js';
import type { RunResult } from '../../src/contracts/result.js';
import { assertLatencyWithin } from '../helpers/latency.js';
import type { NativeShardResult, NativeShardTask } from './native-worker.js';

const workerFile = fileURLToPath(new URL('./native-worker.js', import.meta.url));
const broker = suite<{ kafka?: TestBroker }>('native client on a real broker');

broker.before(async (context) => {
  context.kafka = await startTestBroker();
});

broker.after(async (context) => {
  await context.kafka?.stop();
});

function runShard(task: NativeShardTask): Promise<NativeShardResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerFile, { workerData: task });
    let result: NativeShardResult | undefined;
    worker.on('message', (message: NativeShardResult) => (result = message));
    worker.on('error', reject);
    worker.on('exit', (code) => (result && code === 0 ? resolve(result) : reject(new Error(`worker ${task.index} exited ${code} without a result`))));
  });
}

/** A batch of `records` fixed 100-byte records from devices 0..devices-1. */
function fixedBatch(records: number, devices: number): { packed: Buffer; payloadBytes: number } {
  const builder = new BatchBuilder();
  const simulator = new DeviceSimulator(0, devices, 1);
  const encoder = encoderFor('fixed', 100);
  const reading = newReading();
  for (let i = 0; i < records; i++) {
    simulator.next(reading, 0);
    encoder.append(builder, reading);
  }
  return { packed: Buffer.from(builder.view()), payloadBytes: builder.payloadBytes };
}

// The threads run native-worker.ts, this suite's own send loop over NativeClient (no pacing, no
// coordinator): the client and its shared regions under 4 threads at once. workers/producer.ts
// itself runs in the CLI suites (e2e, secure, reports: run --workers 2).
broker('4 threads with a NativeClient each (the test\'s own send loop), one region each: exact acks, latencies within the wall time, and kcat reads back every record, device and sequence', async ({ kafka }) => {
  const topic = 'native-readback';
  const workers = 4;
  const perWorker = 50_000;
  const devices = 10_000;
  await createTestTopic(kafka!.bootstrap, topic, 4);
  const regions = new SharedArrayBuffer(regionBytesFor(workers));
  const librdkafka = librdkafkaSettings('throughput', {}, connectionSettings(kafka!.bootstrap));
  const startedMs = performance.now();
  const results = await Promise.all(
    Array.from({ length: workers }, (_, index) =>
      runShard({
        bootstrap: kafka!.bootstrap,
        topic,
        librdkafka,
        regions,
        index,
        firstDevice: index * (devices / workers),
        deviceCount: devices / workers,
        records: perWorker,
        batchRecords: 2_000,
        format: 'iot-msgpack',
      }),
    ),
  );
  const wallMs = performance.now() - startedMs;
  for (const [index, result] of results.entries()) {
    const { counters, counts } = readRegion(regions, index);
    assert.is(result.sent, perWorker);
    assert.is(counters.sent, perWorker, `worker ${index} sent`);
    assert.is(counters.acked, perWorker, `worker ${index} acked`);
    assert.is(counters.failed, 0, `worker ${index} failed`);
    assert.is(counters.ackedBytes, result.payloadBytes, `worker ${index} acked bytes = key + value bytes`);
    assert.is(counters.clampedLatencies, 0);
    assert.ok(counters.done);
    const histogram = toHdrHistogram(counts);
    assert.is(histogram.totalCount, perWorker, `worker ${index}: one latency per ack`);
    assertLatencyWithin(`worker ${index} produce→ack`, histogram, { wallMs });
  }

  const records = await readTopicWithKcat(kafka!.bootstrap, topic);
  assert.is(records.length, workers * perWorker, 'records on the topic = records acknowledged');
  const integrity = checkIntegrity(records, 'iot-msgpack');
  assert.is(integrity.devices, devices, 'every device is present');
  assert.equal(integrity.incompleteDevices, [], 'every device has sequence numbers 0..19');
  assert.is(integrity.duplicates, 0);
  assert.is(integrity.keyMismatches, 0, 'key = device id');
});

broker('a queue smaller than a batch is backpressure, never loss: every record is acked', async ({ kafka }) => {
  const topic = 'native-backpressure';
  await createTestTopic(kafka!.bootstrap, topic, 2);
  const regions = new SharedArrayBuffer(regionBytesFor(1));
  const region = new RegionWriter(regions, 0);
  const librdkafka = { ...librdkafkaSettings('latency', {}, connectionSettings(kafka!.bootstrap)), 'queue.buffering.max.messages': '1000' };
  const client = new NativeClient({ topic, librdkafka, region, trackLatency: true });
  try {
    await client.connect();
    const { packed, payloadBytes } = fixedBatch(30_000, 300);
    region.addSent(30_000);
    await client.send({ packed, count: 30_000, payloadBytes, handedAtMs: performance.now(), handedAtWallUs: wallClockUs(), fromIntended: false });
    await client.flush(30_000);
    const { counters } = readRegion(regions, 0);
    assert.ok(counters.backpressureWaits > 0, `backpressure waits: ${counters.backpressureWaits}`);
    assert.is(counters.acked, 30_000);
    assert.is(counters.failed, 0);
    assert.is(counters.ackedBytes, payloadBytes);
  } finally {
    await client.close();
  }
  const records = await readTopicWithKcat(kafka!.bootstrap, topic);
  assert.is(checkIntegrity(records, 'fixed').records, 30_000);
});

broker('an invalid producer property is an E_CLIENT error naming it', async ({ kafka }) => {
  const regions = new SharedArrayBuffer(regionBytesFor(1));
  const context = { topic: 'unused', librdkafka: { ...librdkafkaSettings('throughput', {}, connectionSettings(kafka!.bootstrap)), 'linger.mss': '5' }, region: new RegionWriter(regions, 0), trackLatency: true };
  try {
    new NativeClient(context);
    assert.unreachable('the producer was created');
  } catch (err) {
    assert.instance(err, StampedeError);
    assert.is((err as StampedeError).code, 'E_CLIENT');
    assert.match((err as Error).message, /linger\.mss/);
    assert.match((err as Error).message, /No such configuration property/);
  }
  try {
    new NativeClient({ ...context, librdkafka: { ...librdkafkaSettings('throughput', {}, connectionSettings(kafka!.bootstrap)), acks: 'sometimes' } });
    assert.unreachable('the producer was created');
  } catch (err) {
    assert.instance(err, StampedeError);
    assert.match((err as Error).message, /acks=sometimes rejected: Invalid value for configuration property/);
  }
});

broker('records that cannot be delivered are counted as failed, never lost', async () => {
  // Nothing listens on port 1: every record times out after message.timeout.ms.
  const regions = new SharedArrayBuffer(regionBytesFor(1));
  const region = new RegionWriter(regions, 0);
  const librdkafka = { 'bootstrap.servers': '127.0.0.1:1', 'message.timeout.ms': '1000' };
  const client = new NativeClient({ topic: 'nowhere', librdkafka, region, trackLatency: true });
  try {
    const { packed, payloadBytes } = fixedBatch(500, 10);
    await client.send({ packed, count: 500, payloadBytes, handedAtMs: performance.now(), handedAtWallUs: wallClockUs(), fromIntended: false });
    await client.flush(10_000);
    const { counters } = readRegion(regions, 0);
    assert.is(counters.failed, 500);
    assert.is(counters.acked, 0);
    assert.is(toHdrHistogram(readRegion(regions, 0).counts).totalCount, 0);
  } finally {
    await client.close();
    await client.close(); // idempotent
  }
});

broker('keyed records land on the partition Java\'s producer picks: kcat\'s %p for every record = toPositive(murmur2(key)) % partitions', async ({ kafka }) => {
  const topic = 'key-placement';
  // 7 partitions: an odd count, so a hash that differs from Java's cannot agree by parity alone.
  const partitions = 7;
  const records = 20_000;
  const run = await runCli(['run', '--brokers', kafka!.bootstrap, '--topic', topic, '--partitions', String(partitions), '--workers', '2', '--devices', '3000', '--records', String(records), '--out', join(mkdtempSync(join(tmpdir(), 'stampede-placement-')), 'r.json')], { timeoutMs: 120_000 });
  assert.is(run.code, 0, `${run.stdout}\n${run.stderr}`);
  // Keys are device ids in decimal: plain text, one record a line.
  const kcat = spawnSync('kcat', ['-C', '-b', kafka!.bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p\t%k\n'], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 2 ** 20 });
  assert.is(kcat.status, 0, kcat.stderr);
  const placed = kcat.stdout.trimEnd().split('\n').map((line) => line.split('\t') as [string, string]);
  assert.is(placed.length, records, 'kcat read every record');
  const misplaced = placed.filter(([partition, key]) => Number(partition) !== partitionFor(Buffer.from(key, 'utf8'), partitions));
  assert.is(misplaced.length, 0, `misplaced (partition, key): ${misplaced.slice(0, 5).map((pair) => pair.join(' ')).join(', ')}`);
  assert.is(new Set(placed.map(([partition]) => partition)).size, partitions, 'every partition got records');
});

/** Each device's records in the order the topic holds them: one partition per device, and that partition's offset order. */
function perDeviceOrder(records: { partition: number; key: string; value: string }[]): { splitDevices: string[]; reordered: string[] } {
  const seen = new Map<string, { partition: number; lastSeq: number }>();
  const splitDevices = new Set<string>();
  const reordered = new Set<string>();
  for (const record of records) {
    const { seq } = JSON.parse(record.value) as { seq: number };
    const device = seen.get(record.key);
    if (device && device.partition !== record.partition) splitDevices.add(record.key);
    if (device && seq <= device.lastSeq) reordered.add(record.key);
    seen.set(record.key, { partition: record.partition, lastSeq: seq });
  }
  return { splitDevices: [...splitDevices], reordered: [...reordered] };
}

// Keyed records are enqueued grouped per partition; a queue of 2,000 records makes most batches stop
// at QUEUE_FULL part-way through a chunk, where some partitions of it went in and others did not:
// the resumed call must send each of the rest once and in its device's order.
for (const trace of ['value', 'header'] as const) {
  broker(`keyed records grouped per partition (record trace ${trace}): --e2e reports lost 0, duplicates 0, out-of-order 0 under constant QUEUE_FULL, and kcat finds each device in one partition in send order`, async ({ kafka }) => {
    const topic = `grouped-${trace}-${randomUUID().slice(0, 8)}`;
    const records = 30_000;
    const out = join(mkdtempSync(join(tmpdir(), 'stampede-grouped-')), 'r.json');
    const run = await runCli(['run', '--brokers', kafka!.bootstrap, '--topic', topic, '--partitions', '5', '--devices', '400', '--records', String(records), '--format', 'iot-json', '--e2e', '--record-trace', trace, '--producer-props', 'queue.buffering.max.messages=2000', '--out', out], { timeoutMs: 120_000 });
    assert.is(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
    assert.ok(result.totals.backpressureWaits > 0, 'the queue filled, so the resume path ran');
    assert.is(result.integrity!.lost, 0);
    assert.is(result.integrity!.duplicates, 0);
    assert.is(result.integrity!.outOfOrder, 0);
    assert.is(result.integrity!.uniqueRecords, records);
    // Partition, key and value only: the trace header is binary and would break the line format.
    const kcat = spawnSync('kcat', ['-C', '-b', kafka!.bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p\t%k\t%s\n'], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 2 ** 20 });
    assert.is(kcat.status, 0, kcat.stderr);
    const read = kcat.stdout.trimEnd().split('\n').map((line) => {
      const [partition, key, value] = line.split('\t') as [string, string, string];
      return { partition: Number(partition), key, value };
    });
    assert.is(read.length, records, 'kcat read every record once');
    const { splitDevices, reordered } = perDeviceOrder(read);
    assert.equal(splitDevices, [], 'devices split over partitions');
    assert.equal(reordered, [], 'devices whose records are out of send order in their partition');
    assert.is(new Set(read.map((record) => record.partition)).size, 5, 'every partition got records');
  });
}

broker.run();
