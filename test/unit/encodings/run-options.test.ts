import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveWorkload } from '../../../src/options/workload.js';
import { StampedeError } from '../../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'stampede-run-options-'));
const weather = readFileSync('configs/models/weather.yaml', 'utf8');
function model(name: string, encoding: string, extra = ''): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, weather.replace(/^encoding: .*$/m, `encoding: ${encoding}\n${extra}`));
  return file;
}

const messageOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    assert.instance(err, StampedeError);
    assert.is((err as StampedeError).exitCode, 2);
    return (err as Error).message;
  }
  throw new Error('expected a StampedeError');
};

test('an avro model: its schema derived and checked while options are resolved', () => {
  const workload = resolveWorkload({}, { model: model('w-avro', 'avro') });
  assert.is(workload.valueSchema?.kind, 'avro');
  const schema = JSON.parse(workload.valueSchema!.kind === 'avro' ? workload.valueSchema!.schemaText : '{}') as { name: string; fields: { name: string }[] };
  assert.equal(schema.fields.map((field) => field.name), ['station_id', 'seq', 'observed_at', 'temperature_c', 'humidity', 'condition', 'status', 'load']);
  assert.equal(workload.valueSchema!.prefix, [], 'no registry: plain Avro values');
});

test("schema: a path beside the model file, or absolute; the model's .avsc is checked at once", () => {
  writeFileSync(join(dir, 'narrow.avsc'), readFileSync('test/fixtures/encodings/weather-wrong-type.avsc'));
  assert.match(messageOf(() => resolveWorkload({}, { model: model('w-narrow', 'avro', 'schema: narrow.avsc') })), /narrow\.avsc:7: field "humidity": the model gives int, the schema wants string$/);
  const proto = resolveWorkload({}, { model: model('w-proto', 'protobuf', `schema: ${resolve('test/fixtures/encodings/weather.proto')}\nmessage: Observation`) });
  assert.is(proto.valueSchema?.kind, 'protobuf');
});

test('--schema-registry and --subject-strategy: only where they mean something', () => {
  assert.match(messageOf(() => resolveWorkload({}, { 'schema-registry': 'http://127.0.0.1:8081' })), /^--schema-registry needs a --model whose encoding is avro or protobuf \(this run sends the built-in iot records\)$/);
  assert.match(messageOf(() => resolveWorkload({}, { model: 'weather', 'schema-registry': 'http://127.0.0.1:8081' })), /weather\.yaml is json\)$/);
  assert.match(messageOf(() => resolveWorkload({}, { model: model('w-a', 'avro'), 'schema-registry': 'ftp://x' })), /^--schema-registry must be an http:\/\/ or https:\/\/ URL/);
  assert.match(messageOf(() => resolveWorkload({}, { model: model('w-b', 'avro'), 'subject-strategy': 'record' })), /^--subject-strategy needs --schema-registry$/);
  assert.match(messageOf(() => resolveWorkload({}, { model: model('w-c', 'avro'), 'schema-registry': 'http://r:1', 'subject-strategy': 'topic-name' })), /subject-strategy must be one of topic, record, topic-record/);
  const ok = resolveWorkload({ 'schema-registry': 'http://r:8081/apis/ccompat/v7', 'subject-strategy': 'topic-record' }, { model: model('w-d', 'avro') });
  assert.is(ok.schemaRegistry, 'http://r:8081/apis/ccompat/v7');
  assert.is(ok.subjectStrategy, 'topic-record');
});

test.run();
