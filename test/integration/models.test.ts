import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../../src/contracts/result.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runCli } from '../helpers/cli.js';
import { readTopicWithKcat } from '../helpers/kcat.js';

const dir = mkdtempSync(join(tmpdir(), 'stampede-models-'));
const models = suite<{ kafka?: TestBroker }>('device models on a real broker');

models.before(async (context) => {
  context.kafka = await startTestBroker();
});

models.after(async (context) => {
  await context.kafka?.stop();
});

models('--model weather --e2e: every record of the 80 % active stations is read once, in order per station, none counted lost for the silent ones', async ({ kafka }) => {
  const out = join(dir, 'weather.json');
  const outcome = await runCli(['run', '--brokers', kafka!.bootstrap, '--topic', 'models-weather', '--partitions', '4', '--workers', '3', '--consumers', '2', '--devices', '500', '--records', '60000', '--model', 'weather', '--e2e', '--out', out], { timeoutMs: 180_000 });
  assert.is(outcome.code, 0, `${outcome.stdout}\n${outcome.stderr}`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.is(result.totals.acked, 60_000);
  const integrity = result.integrity!;
  assert.is(integrity.lost, 0, 'lost');
  assert.is(integrity.duplicates, 0, 'duplicates');
  assert.is(integrity.outOfOrder, 0, 'out of order');
  assert.is(integrity.decodeErrors, 0, 'decode errors');
  assert.is(integrity.uniqueRecords, 60_000);
  // active: 0.8 of 500 stations, within what chance gives (σ ≈ 9)
  assert.ok(integrity.devices > 360 && integrity.devices < 440, `active stations: ${integrity.devices}`);
  assert.is(result.latency.endToEnd!.count, 60_000);
  // verify --expect: the same counts from the result alone, each record named by its trace header.
  const verifyOut = join(dir, 'weather-verify.json');
  const verify = await runCli(['verify', '--brokers', kafka!.bootstrap, '--expect', out, '--out', verifyOut], { timeoutMs: 60_000 });
  assert.is(verify.code, 0, `${verify.stdout}\n${verify.stderr}`);
  assert.match(verify.stdout, /✓ every record sent is on the topic/);
  const checked = JSON.parse(readFileSync(verifyOut, 'utf8')) as { integrity: { uniqueRecords: number; lost: number; devices: number; traced: number } };
  assert.equal([checked.integrity.uniqueRecords, checked.integrity.lost, checked.integrity.devices, checked.integrity.traced], [60_000, 0, integrity.devices, 60_000]);
});

models('--model weather: the records on the topic are the model\'s JSON, keyed by station, as a plain reader sees them', async ({ kafka }) => {
  const outcome = await runCli(['run', '--brokers', kafka!.bootstrap, '--topic', 'models-read', '--partitions', '2', '--devices', '50', '--records', '2000', '--model', 'weather'], { timeoutMs: 120_000 });
  assert.is(outcome.code, 0, `${outcome.stdout}\n${outcome.stderr}`);
  const records = await readTopicWithKcat(kafka!.bootstrap, 'models-read');
  assert.is(records.length, 2000);
  const conditions = new Set(['clear', 'rain', 'snow']);
  for (const record of records) {
    const value = JSON.parse(record.value.toString('utf8')) as Record<string, unknown>;
    assert.is(record.key, value['station_id']);
    assert.match(String(value['station_id']), /^station-\d+$/);
    assert.ok(conditions.has(String(value['condition'])));
    const temperature = value['temperature_c'] as number;
    assert.ok(temperature >= -40 && temperature <= 50);
  }
});

models('at a fixed --rate, half the devices active and a tenth ten times chattier: the total rate is kept, every record read once, the silent devices not counted lost', async ({ kafka }) => {
  const file = join(dir, 'chatty.yaml');
  writeFileSync(file, 'key: device\nactive: 0.5\nweights: { 1: 0.9, 10: 0.1 }\nfields:\n  id: { gen: device, template: "m-{id}" }\n  seq: { gen: seq }\n  at: { gen: time, unit: us }\n  v: { gen: normal, mean: 0, sd: 1, round: 3 }\n');
  const out = join(dir, 'chatty.json');
  const outcome = await runCli(['run', '--brokers', kafka!.bootstrap, '--topic', 'models-rate', '--partitions', '3', '--workers', '2', '--devices', '1000', '--rate', '10000', '--records', '30000', '--model', file, '--e2e', '--out', out], { timeoutMs: 180_000 });
  assert.is(outcome.code, 0, `${outcome.stdout}\n${outcome.stderr}`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.is(result.totals.acked, 30_000);
  assert.ok(Math.abs(result.totals.recordsPerSec / 10_000 - 1) < 0.05, `rate ${result.totals.recordsPerSec}`);
  const integrity = result.integrity!;
  assert.is(integrity.lost, 0);
  assert.is(integrity.duplicates, 0);
  assert.is(integrity.uniqueRecords, 30_000);
  assert.ok(integrity.devices > 440 && integrity.devices < 560, `active devices: ${integrity.devices}`);
  assert.is(result.latency.endToEnd!.negative.count, 0, 'µs send times from the value: none received before sent');
  // verify --expect reads each record's identity from its value (no trace header on these).
  const verifyOut = join(dir, 'chatty-verify.json');
  const verify = await runCli(['verify', '--brokers', kafka!.bootstrap, '--expect', out, '--out', verifyOut], { timeoutMs: 60_000 });
  assert.is(verify.code, 0, `${verify.stdout}\n${verify.stderr}`);
  const checked = JSON.parse(readFileSync(verifyOut, 'utf8')) as { integrity: { uniqueRecords: number; lost: number; devices: number; traced: number; decodeErrors: number } };
  assert.equal([checked.integrity.uniqueRecords, checked.integrity.lost, checked.integrity.devices, checked.integrity.traced, checked.integrity.decodeErrors], [30_000, 0, integrity.devices, 0, 0]);
});

models('a broken model file: one line naming file, line and field, exit 2, before any broker is contacted', async () => {
  // A port nothing listens on: a contacted broker would fail differently and later.
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'key: device\nfields:\n  id: { gen: device }\n  level: { gen: gaussian, mean: 1, sd: 2 }\n');
  const outcome = await runCli(['run', '--brokers', '127.0.0.1:1', '--records', '10', '--model', file], { timeoutMs: 30_000 });
  assert.is(outcome.code, 2, outcome.stderr);
  assert.is(outcome.stderr.trim().split('\n').length, 1, outcome.stderr);
  assert.match(outcome.stderr, `model file ${file} line 4: fields.level.gen: unknown generator "gaussian"`);
});

models.run();
