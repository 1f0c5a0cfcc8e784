import { test } from 'uvu';
import * as assert from 'uvu/assert';
import avro from 'avsc';
import { AvroEncoder } from '../../../src/encodings/avro-encoder.js';
import { avroSchemaOf } from '../../../src/encodings/avro-schema.js';
import { planAvro } from '../../../src/encodings/avro.js';
import { confluentPrefix } from '../../../src/encodings/wire-format.js';
import { StampedeError } from '../../../src/errors.js';
import { weatherShape, weatherValue } from '../../helpers/weather-shape.js';

const fixtures = 'test/fixtures/encodings';

const errorOf = (fn: () => unknown): StampedeError => {
  try {
    fn();
  } catch (err) {
    assert.instance(err, StampedeError);
    return err as StampedeError;
  }
  throw new Error('expected a StampedeError');
};

test('the derived schema names every field with its type; choices become enums', () => {
  const schema = avroSchemaOf(weatherShape) as Record<string, unknown>;
  assert.is(schema['type'], 'record');
  assert.is(schema['name'], 'weather');
  assert.is(schema['namespace'], 'stampede.models');
  const fields = schema['fields'] as { name: string; type: unknown }[];
  assert.equal(fields.map((f) => f.name), ['station_id', 'seq', 'observed_at', 'temperature_c', 'humidity', 'condition', 'status', 'load']);
  assert.is(fields[1]!.type, 'long');
  assert.equal(fields[5]!.type, { type: 'enum', name: 'condition', symbols: ['clear', 'rain', 'snow'] });
  // Apache Avro's rules, as avsc applies them, accept it.
  avro.Type.forSchema(schema as avro.Schema);
});

test('a choice whose values are not Avro symbols stays a string; nested objects and arrays get unique names', () => {
  const schema = avroSchemaOf({
    type: 'record',
    name: 'vehicle-telemetry',
    fields: [
      { name: 'zone', shape: { type: 'enum', symbols: ['eu-west', 'us-east'] } },
      { name: 'position', shape: { type: 'record', name: 'position', fields: [{ name: 'lat', shape: { type: 'double' } }] } },
      { name: 'stops', shape: { type: 'array', items: { type: 'record', name: 'stop', fields: [{ name: 'position', shape: { type: 'record', name: 'p', fields: [{ name: 'lat', shape: { type: 'double' } }] } }] } } },
    ],
  }) as Record<string, unknown>;
  assert.is(schema['name'], 'vehicle_telemetry');
  const type = avro.Type.forSchema(schema as avro.Schema);
  const value = { zone: 'eu-west', position: { lat: 1.5 }, stops: [{ position: { lat: 2.5 } }] };
  assert.equal(JSON.parse(JSON.stringify(type.fromBuffer(type.toBuffer(value)))), value);
});

test('the encoder writes the values avsc decodes back, record after record, without a registry prefix', () => {
  const plan = planAvro(weatherShape);
  const encoder = new AvroEncoder({ kind: 'avro', schemaText: plan.schemaText, fills: plan.fills, prefix: [] });
  const reader = avro.Type.forSchema(JSON.parse(plan.schemaText) as avro.Schema);
  // Each value's bytes are read before the next is encoded: they are a view of the encoder's buffer.
  for (let seq = 0; seq < 1_000; seq++) assert.equal({ ...reader.fromBuffer(Buffer.from(encoder.encode(weatherValue(7, seq)))) }, weatherValue(7, seq));
});

test('with a registry id, each value is magic byte 0, the id big-endian, then the Avro body', () => {
  const plan = planAvro(weatherShape);
  const encoder = new AvroEncoder({ kind: 'avro', schemaText: plan.schemaText, fills: [], prefix: confluentPrefix(0x01020304) });
  const bytes = encoder.encode(weatherValue(1, 5));
  assert.equal([...bytes.subarray(0, 5)], [0, 1, 2, 3, 4]);
  const reader = avro.Type.forSchema(JSON.parse(plan.schemaText) as avro.Schema);
  assert.equal({ ...reader.fromBuffer(Buffer.from(bytes.subarray(5))) }, weatherValue(1, 5));
});

test('a value larger than the starting buffer is written whole', () => {
  const shape = { type: 'record' as const, name: 'big', fields: [{ name: 'text', shape: { type: 'string' as const } }] };
  const plan = planAvro(shape);
  const encoder = new AvroEncoder({ kind: 'avro', schemaText: plan.schemaText, fills: [], prefix: confluentPrefix(9) });
  const text = 'x'.repeat(50_000);
  const bytes = encoder.encode({ text });
  const reader = avro.Type.forSchema(JSON.parse(plan.schemaText) as avro.Schema);
  assert.is(reader.fromBuffer(Buffer.from(bytes.subarray(5))).text, text);
  // The grown buffer keeps the header for the records after it.
  assert.is(encoder.encode({ text: 'short' }).length, 5 + 1 + 5);
});

test("a user's .avsc the model fills: promotions, unions, logical types, enum supersets and defaults", () => {
  const plan = planAvro(weatherShape, `${fixtures}/weather.avsc`);
  assert.is(plan.fullName, 'com.example.weather.Observation');
  assert.equal(plan.fills, [{ path: ['region'], value: 'eu-west' }]);
  const encoder = new AvroEncoder({ kind: 'avro', schemaText: plan.schemaText, fills: plan.fills, prefix: [] });
  const reader = avro.Type.forSchema(JSON.parse(plan.schemaText) as avro.Schema, { wrapUnions: 'never' });
  const decoded = reader.fromBuffer(Buffer.from(encoder.encode(weatherValue(3, 4))));
  assert.is(decoded.station_id, 'station-3');
  assert.is(decoded.region, 'eu-west');
  assert.is(decoded.humidity, 24);
  assert.is(decoded.condition, 'rain');
  assert.ok(Math.abs(decoded.temperature_c - (weatherValue(3, 4)['temperature_c'] as number)) < 1e-5, 'float within its precision');
});

test('an .avsc field of another type: one line naming the file, line and field', () => {
  const err = errorOf(() => planAvro(weatherShape, `${fixtures}/weather-wrong-type.avsc`));
  assert.is(err.message, `${fixtures}/weather-wrong-type.avsc:7: field "humidity": the model gives int, the schema wants string`);
  assert.is(err.exitCode, 2);
});

test('an .avsc field the model does not have and no default: named with its line', () => {
  const err = errorOf(() => planAvro(weatherShape, `${fixtures}/weather-unfillable.avsc`));
  assert.is(err.message, `${fixtures}/weather-unfillable.avsc:6: field "wind_speed": the model has no field "wind_speed" and the schema gives it no default`);
});

test('an enum without one of the model choices, a missing file, broken JSON, a schema Avro rejects', () => {
  const dir = `${fixtures}`;
  const shape = { type: 'record' as const, name: 'r', fields: [{ name: 'condition', shape: { type: 'enum' as const, symbols: ['clear', 'hail'] } }] };
  const err = errorOf(() => planAvro(shape, `${dir}/weather.avsc`));
  assert.match(err.message, /weather\.avsc:\d+: field "station_id": the model has no field/);
  const narrow = { ...shape, fields: [...weatherShape.fields.filter((f) => f.name !== 'condition'), shape.fields[0]!] };
  assert.match(errorOf(() => planAvro(narrow, `${dir}/weather.avsc`)).message, /weather\.avsc:11: field "condition": the model gives "hail", not a symbol of the schema's enum \(clear, cloudy, rain, snow\)$/);
  assert.match(errorOf(() => planAvro(weatherShape, `${dir}/missing.avsc`)).message, /^test\/fixtures\/encodings\/missing\.avsc cannot be read \(ENOENT\)$/);
  assert.match(errorOf(() => planAvro(weatherShape, `${dir}/weather.proto`)).message, /weather\.proto: not JSON/);
  assert.match(errorOf(() => planAvro(weatherShape, 'package.json')).message, /^package\.json: not an Avro schema/);
});

test.run();
