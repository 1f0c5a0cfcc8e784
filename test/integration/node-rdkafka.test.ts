import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../../src/contracts/result.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runCli } from '../helpers/cli.js';
import { checkIntegrity } from '../helpers/integrity.js';
import { readTopicWithKcat } from '../helpers/kcat.js';

const dir = mkdtempSync(join(tmpdir(), 'stampede-rdkafka-'));
const broker = suite<{ kafka?: TestBroker }>('node-rdkafka on a real broker');

broker.before(async (context) => {
  context.kafka = await startTestBroker();
});

broker.after(async (context) => {
  await context.kafka?.stop();
});

broker('200,000 records of 10,000 devices: kcat reads back every record, every device, every sequence number', async ({ kafka }) => {
  const out = join(dir, 'rdkafka.json');
  const outcome = await runCli(
    ['run', '--brokers', kafka!.bootstrap, '--topic', 'readback', '--partitions', '4', '--client', 'node-rdkafka', '--workers', '2', '--devices', '10000', '--records', '200000', '--out', out],
    { timeoutMs: 180_000 },
  );
  assert.is(outcome.code, 0, `${outcome.stdout}\n${outcome.stderr}`);
  assert.match(outcome.stdout, /must run on the main thread: this run uses 1 producer thread instead of 2/);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.is(result.workload.effectiveWorkers, 1);
  assert.equal(result.topic, { name: 'readback', partitions: 4, created: true });
  assert.is(result.totals.sent, 200_000);
  assert.is(result.totals.acked, 200_000);
  assert.is(result.totals.errors, 0);
  assert.is(result.latency.produceAck.count, 200_000);
  assert.is(result.librdkafka['partitioner'], 'murmur2_random');
  assert.is(result.librdkafka['bootstrap.servers'], kafka!.bootstrap);

  const records = await readTopicWithKcat(kafka!.bootstrap, 'readback');
  assert.is(records.length, result.totals.acked, 'records on the topic = records acknowledged');
  const integrity = checkIntegrity(records, 'iot-msgpack');
  assert.is(integrity.devices, 10_000, 'every device is present');
  assert.equal(integrity.incompleteDevices, [], 'every device has sequence numbers 0..19');
  assert.is(integrity.duplicates, 0);
  assert.is(integrity.keyMismatches, 0, 'key = device id');
});

broker('iot-json and fixed records read back intact too', async ({ kafka }) => {
  for (const [format, extra] of [['iot-json', []], ['fixed', ['--record-size', '100']]] as const) {
    const topic = `readback-${format}`;
    const outcome = await runCli(['run', '--brokers', kafka!.bootstrap, '--client', 'node-rdkafka', '--topic', topic, '--devices', '500', '--records', '5000', '--format', format, ...extra, '--out', join(dir, `${format}.json`)], {
      timeoutMs: 120_000,
    });
    assert.is(outcome.code, 0, outcome.stderr);
    assert.is((JSON.parse(readFileSync(join(dir, `${format}.json`), 'utf8')) as RunResult).workload.client, 'node-rdkafka', format);
    const records = await readTopicWithKcat(kafka!.bootstrap, topic);
    const integrity = checkIntegrity(records, format);
    assert.is(integrity.records, 5_000, format);
    assert.is(integrity.devices, 500, format);
    assert.equal(integrity.incompleteDevices, [], format);
    if (format === 'fixed') assert.ok(records.every((record) => record.value.length === 100));
  }
});

broker('an invalid producer property gets one clear line naming it and exit 2', async ({ kafka }) => {
  const outcome = await runCli(['run', '--brokers', kafka!.bootstrap, '--client', 'node-rdkafka', '--topic', 'badprops', '--records', '10', '--devices', '10', '--producer-props', 'linger.mss=5', '--out', join(dir, 'bad.json')], {
    timeoutMs: 60_000,
  });
  assert.is(outcome.code, 2, outcome.stderr);
  assert.match(outcome.stderr, /linger\.mss/);
  assert.not.match(outcome.stderr, /\n\s+at /);
});

broker('an existing topic keeps its partitions and the run says so', async ({ kafka }) => {
  const args = ['run', '--brokers', kafka!.bootstrap, '--client', 'node-rdkafka', '--topic', 'existing', '--devices', '10', '--records', '100'];
  assert.is((await runCli([...args, '--partitions', '3', '--out', join(dir, 'e1.json')])).code, 0);
  const second = await runCli([...args, '--partitions', '5', '--out', join(dir, 'e2.json')]);
  assert.is(second.code, 0, second.stderr);
  assert.match(second.stdout, /already exists with 3 partitions/);
  assert.match(second.stdout, /node-rdkafka is not context-aware/, 'the node-rdkafka client ran');
});

broker.run();
