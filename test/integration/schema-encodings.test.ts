import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../src/broker/free-port.js';
import type { RunResult } from '../../src/contracts/result.js';
import { SchemaRegistryClient } from '../../src/encodings/registry-client.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runCli } from '../helpers/cli.js';
import { readTopicWithJava, type JavaReadRecord } from '../helpers/record-reader.js';
import { readTopicWithKcat } from '../helpers/kcat.js';
import avro from 'avsc';
import { planModelSchema, registerSchemaEncodings } from '../../src/encodings/model-encodings.js';
import { readModelFile } from '../../src/models/read-model.js';
import { startTestRegistry, type TestRegistry } from '../helpers/registry.js';
import { startTestHosts } from '../helpers/sshd.js';
import { randomUUID } from 'node:crypto';

// This process reads avro model files too (to derive the schema a plain reader needs).
registerSchemaEncodings();

const dir = mkdtempSync(join(tmpdir(), 'stampede-schema-encodings-'));
const weatherYaml = readFileSync('configs/models/weather.yaml', 'utf8');
/** The built-in weather model with another encoding (and schema lines), as a user's copy would be. */
function weatherModel(name: string, encoding: string, extra = ''): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, weatherYaml.replace(/^encoding: .*$/m, `encoding: ${encoding}\n${extra}`));
  return file;
}

const encodings = suite<{ kafka?: TestBroker; registry?: TestRegistry }>('avro and protobuf models through a real schema registry, read back by Apache Avro and the Protobuf runtime');

encodings.before(async (context) => {
  context.registry = await startTestRegistry();
  context.kafka = await startTestBroker();
});

encodings.after(async (context) => {
  await context.kafka?.stop();
  context.registry?.stop();
});

const latestId = async (url: string, subject: string): Promise<number> => ((await (await fetch(`${url}/subjects/${subject}/versions/latest`)).json()) as { id: number }).id;

/** The weather model's laws, checked on every record as the Java reader decoded it. */
function assertWeatherLaws(records: JavaReadRecord[], startedAtMs: number): void {
  const seqsByStation = new Map<string, number[]>();
  for (const record of records) {
    const value = record.value;
    const station = String(value['station_id']);
    assert.match(station, /^station-\d+$/);
    assert.is(record.key, station, 'keyed by station');
    const temperature = Number(value['temperature_c']);
    assert.ok(temperature >= -40 && temperature <= 50, `temperature ${temperature}`);
    assert.ok(Math.abs(temperature * 10 - Math.round(temperature * 10)) < 1e-3, `one decimal: ${temperature}`);
    const humidity = Number(value['humidity']);
    assert.ok(Number.isInteger(humidity) && humidity >= 20 && humidity <= 100, `humidity ${humidity}`);
    assert.ok(['clear', 'rain', 'snow'].includes(String(value['condition'])), String(value['condition']));
    assert.ok(['ok', 'warn', 'fault'].includes(String(value['status'])), String(value['status']));
    const load = Number(value['load']);
    assert.ok(load >= 0 && load <= 1, `load ${load}`);
    const observedAt = Number(value['observed_at']);
    assert.ok(observedAt >= startedAtMs - 1000 && observedAt <= Date.now() + 1000, `observed_at ${observedAt}`);
    const seqs = seqsByStation.get(station) ?? [];
    seqs.push(Number(value['seq']));
    seqsByStation.set(station, seqs);
  }
  for (const [station, seqs] of seqsByStation) {
    seqs.sort((a, b) => a - b);
    assert.ok(
      seqs.every((seq, i) => seq === i),
      `${station}: sequences 0..${seqs.length - 1} without gaps`,
    );
  }
}

encodings('weather as Avro with --schema-registry --e2e: exact integrity, and every record decodes with Apache Avro through the registry', async ({ kafka, registry }) => {
  const model = weatherModel('weather-avro', 'avro');
  const out = join(dir, 'avro.json');
  const startedAtMs = Date.now();
  const outcome = await runCli(['run', '--brokers', kafka!.bootstrap, '--topic', 'weather-avro', '--partitions', '3', '--workers', '2', '--devices', '300', '--records', '30000', '--model', model, '--schema-registry', registry!.url, '--e2e', '--out', out], { timeoutMs: 180_000 });
  assert.is(outcome.code, 0, `${outcome.stdout}\n${outcome.stderr}`);
  assert.match(outcome.stdout + outcome.stderr, /avro schema registered under subject "weather-avro-value" as id \d+/);
  const integrity = (JSON.parse(readFileSync(out, 'utf8')) as RunResult).integrity!;
  assert.equal({ lost: integrity.lost, duplicates: integrity.duplicates, outOfOrder: integrity.outOfOrder, decodeErrors: integrity.decodeErrors, unique: integrity.uniqueRecords }, { lost: 0, duplicates: 0, outOfOrder: 0, decodeErrors: 0, unique: 30_000 });
  const records = await readTopicWithJava(kafka!.bootstrap, 'weather-avro', registry!.url);
  assert.is(records.length, 30_000);
  const id = await latestId(registry!.url, 'weather-avro-value');
  assert.ok(records.every((record) => record.schemaId === id && record.schemaType === 'AVRO'), 'every header names the registered id');
  assertWeatherLaws(records, startedAtMs);
});

encodings('weather as Protobuf from a .proto: registered as PROTOBUF, every record decodes with the Protobuf Java runtime', async ({ kafka, registry }) => {
  const model = weatherModel('weather-protobuf', 'protobuf', `schema: ${resolve('test/fixtures/encodings/weather.proto')}\nmessage: Observation`);
  const out = join(dir, 'protobuf.json');
  const startedAtMs = Date.now();
  const outcome = await runCli(['run', '--brokers', kafka!.bootstrap, '--topic', 'weather-pb', '--partitions', '2', '--devices', '100', '--records', '10000', '--model', model, '--schema-registry', registry!.url, '--subject-strategy', 'topic-record', '--e2e', '--out', out], { timeoutMs: 180_000 });
  assert.is(outcome.code, 0, `${outcome.stdout}\n${outcome.stderr}`);
  const integrity = (JSON.parse(readFileSync(out, 'utf8')) as RunResult).integrity!;
  assert.equal({ lost: integrity.lost, duplicates: integrity.duplicates, decodeErrors: integrity.decodeErrors, unique: integrity.uniqueRecords }, { lost: 0, duplicates: 0, decodeErrors: 0, unique: 10_000 });
  const records = await readTopicWithJava(kafka!.bootstrap, 'weather-pb', registry!.url);
  assert.is(records.length, 10_000);
  const id = await latestId(registry!.url, 'weather-pb-weather.v1.Observation');
  assert.ok(records.every((record) => record.schemaId === id && record.schemaType === 'PROTOBUF'), 'every header names the registered id');
  assert.ok(records.every((record) => !('region' in record.value)), 'the optional field the model does not fill stays unset');
  assertWeatherLaws(records, startedAtMs);
});

encodings('--schema-registry with --hosts: registered once by the coordinator, every agent writes its id; --e2e exact', async ({ kafka, registry }) => {
  const hosts = await startTestHosts(2);
  try {
    const topic = `weather-hosts-${randomUUID().slice(0, 8)}`;
    const out = join(dir, 'avro-hosts.json');
    const args = ['run', '--hosts', hosts.names.join(','), '--ssh-config', hosts.sshConfig, '--brokers', kafka!.bootstrap, '--topic', topic, '--partitions', '2', '--workers', '1'];
    const outcome = await runCli([...args, '--devices', '200', '--records', '6000', '--model', weatherModel('weather-hosts', 'avro'), '--schema-registry', registry!.url, '--e2e', '--out', out], { timeoutMs: 120_000 });
    assert.is(outcome.code, 0, `${outcome.stdout}\n${outcome.stderr}`);
    assert.match(outcome.stdout + outcome.stderr, new RegExp(`avro schema registered under subject "${topic}-value" as id \\d+`));
    const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
    assert.equal(result.hosts!.map((host) => host.totals.acked > 0), [true, true], 'both agents sent');
    const integrity = result.integrity!;
    assert.equal({ lost: integrity.lost, duplicates: integrity.duplicates, decodeErrors: integrity.decodeErrors, unique: integrity.uniqueRecords }, { lost: 0, duplicates: 0, decodeErrors: 0, unique: 6_000 });
    const id = await latestId(registry!.url, `${topic}-value`);
    const records = await readTopicWithKcat(kafka!.bootstrap, topic);
    assert.is(records.length, 6_000);
    const header = Buffer.from([0, (id >>> 24) & 0xff, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff]);
    assert.ok(records.every((record) => record.value.subarray(0, 5).equals(header)), `every value starts with magic byte 0 and id ${id}`);
  } finally {
    await hosts.stop();
  }
});

encodings('weather as Avro without a registry: plain Avro bodies that Avro decodes with the derived schema, --e2e exact', async ({ kafka }) => {
  const out = join(dir, 'avro-plain.json');
  const outcome = await runCli(['run', '--brokers', kafka!.bootstrap, '--topic', 'weather-plain', '--partitions', '2', '--devices', '100', '--records', '5000', '--model', weatherModel('weather-plain', 'avro'), '--e2e', '--out', out], { timeoutMs: 120_000 });
  assert.is(outcome.code, 0, `${outcome.stdout}\n${outcome.stderr}`);
  assert.not.match(outcome.stdout + outcome.stderr, /schema registry/);
  const integrity = (JSON.parse(readFileSync(out, 'utf8')) as RunResult).integrity!;
  assert.equal({ lost: integrity.lost, duplicates: integrity.duplicates, decodeErrors: integrity.decodeErrors, unique: integrity.uniqueRecords }, { lost: 0, duplicates: 0, decodeErrors: 0, unique: 5_000 });
  const planned = planModelSchema(readModelFile(join(dir, 'weather-plain.yaml')));
  assert.is(planned.kind, 'avro');
  const type = avro.Type.forSchema(JSON.parse((planned as { schemaText: string }).schemaText) as avro.Schema);
  const records = await readTopicWithKcat(kafka!.bootstrap, 'weather-plain');
  assert.is(records.length, 5_000);
  for (const record of records) {
    const value = type.fromBuffer(record.value) as Record<string, unknown>;
    assert.is(record.key, value['station_id']);
  }
});

encodings('an .avsc the model cannot fill: one line naming file, line and field, exit 2, before any broker is contacted', async () => {
  const model = weatherModel('weather-wrong', 'avro', `schema: ${resolve('test/fixtures/encodings/weather-wrong-type.avsc')}`);
  const outcome = await runCli(['run', '--brokers', `127.0.0.1:${await freePort()}`, '--model', model, '--records', '10'], { timeoutMs: 60_000 });
  assert.is(outcome.code, 2, outcome.stdout + outcome.stderr);
  assert.match(outcome.stderr, /weather-wrong-type\.avsc:7: field "humidity": the model gives int, the schema wants string/);
  assert.is(outcome.stderr.trim().split('\n').length, 1, outcome.stderr);
});

encodings('a registry that refuses the schema (BACKWARD, a new field without default): one line naming subject and reason, exit 2, nothing sent', async ({ kafka, registry }) => {
  const client = new SchemaRegistryClient(registry!.url);
  await client.setCompatibility('weather-strict-value', 'BACKWARD');
  await client.register('weather-strict-value', JSON.stringify({ type: 'record', name: 'weather', namespace: 'stampede.models', fields: [{ name: 'station_id', type: 'string' }] }), 'AVRO');
  const outcome = await runCli(['run', '--brokers', kafka!.bootstrap, '--topic', 'weather-strict', '--model', weatherModel('weather-strict', 'avro'), '--schema-registry', registry!.url, '--records', '100'], { timeoutMs: 60_000 });
  assert.is(outcome.code, 2, outcome.stdout + outcome.stderr);
  assert.match(outcome.stderr, new RegExp(`schema registry ${registry!.url.replace(/\./g, '\\.')} refused the schema for subject "weather-strict-value": \\S`));
  assert.not.match(outcome.stderr, /\n\s+at /, 'no stack trace');
});

encodings('a registry nobody answers at: one line naming the URL, exit 2', async ({ kafka }) => {
  const url = `http://127.0.0.1:${await freePort()}`;
  const outcome = await runCli(['run', '--brokers', kafka!.bootstrap, '--topic', 'weather-nowhere', '--model', weatherModel('weather-nowhere', 'avro'), '--schema-registry', url, '--records', '100'], { timeoutMs: 60_000 });
  assert.is(outcome.code, 2, outcome.stdout + outcome.stderr);
  assert.match(outcome.stderr, new RegExp(`schema registry ${url.replace(/\./g, '\\.')} cannot be reached \\(ECONNREFUSED\\)`));
});

encodings.run();
