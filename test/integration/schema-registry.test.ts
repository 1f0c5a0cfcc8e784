import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { freePort } from '../../src/broker/free-port.js';
import { SchemaRegistryClient } from '../../src/encodings/registry-client.js';
import { planValueSchema, registerValueSchema } from '../../src/encodings/value-schema.js';
import { StampedeError } from '../../src/errors.js';
import { startTestRegistry, type TestRegistry } from '../helpers/registry.js';
import { weatherShape } from '../helpers/weather-shape.js';

const registry = suite<{ registry?: TestRegistry }>('schema registry (a real Apicurio Registry, Confluent-compatible API)');

registry.before(async (context) => {
  context.registry = await startTestRegistry();
});

registry.after((context) => {
  context.registry?.stop();
});

const failureOf = async (promise: Promise<unknown>): Promise<StampedeError> => {
  try {
    await promise;
  } catch (err) {
    assert.instance(err, StampedeError);
    return err as StampedeError;
  }
  throw new Error('expected a StampedeError');
};

const schemaById = async (url: string, id: number): Promise<{ schema: string; schemaType?: string }> => (await (await fetch(`${url}/schemas/ids/${id}`)).json()) as { schema: string; schemaType?: string };

registry('Avro under the topic\'s value subject: the id the registry gives is in every header, the same schema keeps its id', async ({ registry }) => {
  const planned = planValueSchema({ encoding: 'avro', shape: weatherShape });
  const first = await registerValueSchema(planned, { url: registry!.url, topic: 'weather', strategy: 'topic' });
  assert.is(first.subject, 'weather-value');
  const stored = await schemaById(registry!.url, first.schemaId);
  assert.equal(JSON.parse(stored.schema), JSON.parse(planned.kind === 'avro' ? planned.schemaText : ''));
  assert.equal(first.spec.prefix, [0, ...[24, 16, 8, 0].map((shift) => (first.schemaId >>> shift) & 0xff)]);
  const again = await registerValueSchema(planned, { url: registry!.url, topic: 'weather', strategy: 'topic' });
  assert.is(again.schemaId, first.schemaId);
  const subjects = (await (await fetch(`${registry!.url}/subjects`)).json()) as string[];
  assert.ok(subjects.includes('weather-value'), subjects.join(','));
});

registry('record-name strategies: the record\'s full name, or the topic and the full name', async ({ registry }) => {
  const planned = planValueSchema({ encoding: 'avro', shape: weatherShape, schemaFile: 'test/fixtures/encodings/weather.avsc' });
  assert.is((await registerValueSchema(planned, { url: registry!.url, topic: 'obs', strategy: 'record' })).subject, 'com.example.weather.Observation');
  assert.is((await registerValueSchema(planned, { url: registry!.url, topic: 'obs', strategy: 'topic-record' })).subject, 'obs-com.example.weather.Observation');
});

registry('Protobuf: registered as PROTOBUF with the .proto text; the header carries the id and the message index', async ({ registry }) => {
  const planned = planValueSchema({ encoding: 'protobuf', shape: weatherShape, schemaFile: 'test/fixtures/encodings/weather.proto', message: 'Observation' });
  const registered = await registerValueSchema(planned, { url: registry!.url, topic: 'weather-pb', strategy: 'topic' });
  const stored = await schemaById(registry!.url, registered.schemaId);
  assert.is(stored.schemaType, 'PROTOBUF');
  assert.match(stored.schema, /message Observation/);
  assert.is(registered.spec.prefix.length, 6);
  assert.is(registered.spec.prefix[5], 0, 'first message of the file: the single index byte 0');
});

registry('a subject under BACKWARD compatibility refuses a schema with a new field without default: one line naming subject and reason, exit 2', async ({ registry }) => {
  const client = new SchemaRegistryClient(registry!.url);
  // Apicurio's default is NONE (Confluent's is BACKWARD): set it for this subject.
  await client.setCompatibility('strict-value', 'BACKWARD');
  const narrow = { ...weatherShape, fields: weatherShape.fields.slice(0, 3) };
  await registerValueSchema(planValueSchema({ encoding: 'avro', shape: narrow }), { url: registry!.url, topic: 'strict', strategy: 'topic' });
  const err = await failureOf(registerValueSchema(planValueSchema({ encoding: 'avro', shape: weatherShape }), { url: registry!.url, topic: 'strict', strategy: 'topic' }));
  assert.is(err.code, 'E_REGISTRY');
  assert.is(err.exitCode, 2);
  assert.match(err.message, new RegExp(`^schema registry ${registry!.url.replace(/[.]/g, '\\.')} refused the schema for subject "strict-value": .+`));
  assert.not.match(err.message, /\n/);
});

registry('a registry nobody answers at: one line naming the URL, exit 2', async () => {
  const url = `http://127.0.0.1:${await freePort()}/apis/ccompat/v7`;
  const err = await failureOf(registerValueSchema(planValueSchema({ encoding: 'avro', shape: weatherShape }), { url, topic: 't', strategy: 'topic' }));
  assert.is(err.message, `schema registry ${url} cannot be reached (ECONNREFUSED)`);
  assert.is(err.exitCode, 2);
});

registry.run();
