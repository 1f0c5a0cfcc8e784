import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProtobufEncoder } from '../../../src/encodings/protobuf-encoder.js';
import { messageIndexesOf, parseProto, planProtobuf } from '../../../src/encodings/protobuf.js';
import { confluentPrefix, encodeMessageIndexes } from '../../../src/encodings/wire-format.js';
import { StampedeError } from '../../../src/errors.js';
import { weatherShape, weatherValue } from '../../helpers/weather-shape.js';

const fixtures = 'test/fixtures/encodings';

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

test('a .proto message the model fills: found by simple or full name, with its index path', () => {
  const plan = planProtobuf(weatherShape, `${fixtures}/weather.proto`, 'Observation');
  assert.is(plan.fullName, 'weather.v1.Observation');
  assert.equal(plan.messageIndexes, [0]);
  assert.equal(planProtobuf({ type: 'record', name: 's', fields: [{ name: 'station_id', shape: { type: 'string' } }, { name: 'latitude', shape: { type: 'double' } }] }, `${fixtures}/weather.proto`, 'weather.v1.StationInfo').messageIndexes, [1]);
});

test('nested messages have their index path from the top of the file', () => {
  const root = parseProto('syntax = "proto3"; message A { message B { int32 x = 1; } message C { message D { int32 y = 1; } } } message E { int32 z = 1; }', 'inline');
  assert.equal(messageIndexesOf(root.lookupType('A.C.D')), [0, 1, 0]);
  assert.equal(messageIndexesOf(root.lookupType('E')), [1]);
  // Confluent's encoding: [0] is the single byte 0; otherwise a zig-zag count then zig-zag indexes.
  assert.equal(encodeMessageIndexes([0]), [0]);
  assert.equal(encodeMessageIndexes([0, 1, 0]), [6, 0, 2, 0]);
  assert.equal(encodeMessageIndexes([1]), [2, 2]);
});

test('the encoder writes what protobufjs decodes back: choices as enum values, names as written', () => {
  const plan = planProtobuf(weatherShape, `${fixtures}/weather.proto`, 'Observation');
  const encoder = new ProtobufEncoder({ kind: 'protobuf', protoText: plan.protoText, fullName: plan.fullName, prefix: confluentPrefix(42, plan.messageIndexes) });
  const type = parseProto(plan.protoText, 'x').lookupType(plan.fullName);
  for (let seq = 0; seq < 300; seq++) {
    const bytes = encoder.encode(weatherValue(2, seq));
    assert.equal([...bytes.subarray(0, 6)], [0, 0, 0, 0, 42, 0]);
    const decoded = type.toObject(type.decode(bytes.subarray(6)), { enums: String, longs: Number });
    const expected = weatherValue(2, seq);
    for (const name of ['station_id', 'seq', 'observed_at', 'temperature_c', 'humidity', 'condition', 'status']) assert.equal(decoded[name] ?? defaultOf(expected[name]), expected[name], name);
    assert.ok(Math.abs((decoded['load'] ?? 0) - (expected['load'] as number)) < 1e-6);
  }
});

// proto3 leaves zero values off the wire; protobufjs' toObject then omits them.
const defaultOf = (value: unknown): unknown => (typeof value === 'number' ? 0 : typeof value === 'string' ? '' : value);

test('bad .proto input: one line naming the file (and line and field)', () => {
  assert.is(messageOf(() => planProtobuf(weatherShape, `${fixtures}/weather-wrong-type.proto`, 'Observation')), `${fixtures}/weather-wrong-type.proto:5: field "seq": the model gives long, the schema wants uint64 (a model's integers may be negative: use a signed type such as sint64)`);
  assert.is(messageOf(() => planProtobuf(weatherShape, `${fixtures}/weather.proto`, 'Nope')), `${fixtures}/weather.proto: no message "Nope" (messages: weather.v1.Observation, weather.v1.StationInfo)`);
  assert.match(messageOf(() => planProtobuf(weatherShape, `${fixtures}/weather.proto`, undefined)), /holds 2 messages .*: name the one to send$/);
  assert.match(messageOf(() => planProtobuf(weatherShape, `${fixtures}/weather.avsc`, 'Observation')), /weather\.avsc: not a valid \.proto file/);
  assert.match(messageOf(() => planProtobuf(weatherShape, `${fixtures}/absent.proto`, 'Observation')), /absent\.proto cannot be read \(ENOENT\)$/);
  const noSeq = { ...weatherShape, fields: weatherShape.fields.filter((f) => f.name !== 'seq') };
  assert.is(messageOf(() => planProtobuf(noSeq, `${fixtures}/weather.proto`, 'Observation')), `${fixtures}/weather.proto:14: field "seq": the model has no field "seq" (mark it optional in the .proto to leave it unset)`);
});

test.run();
