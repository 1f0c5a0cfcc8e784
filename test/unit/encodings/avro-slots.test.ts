import { test } from 'uvu';
import * as assert from 'uvu/assert';
import avro from 'avsc';
import { AvroEncoder } from '../../../src/encodings/avro-encoder.js';
import { avroSchemaOf } from '../../../src/encodings/avro-schema.js';
import { avroSlotWriter, writeAvroLong } from '../../../src/encodings/avro-slots.js';
import { confluentPrefix } from '../../../src/encodings/wire-format.js';
import { CompiledModel } from '../../../src/models/compile.js';
import { parseModel, readModelFile } from '../../../src/models/read-model.js';
import { modelFileOf } from '../../../src/models/resolve.js';
import { modelValueShape } from '../../../src/models/shape.js';
import type { ModelSpec } from '../../../src/models/spec.js';

const every = parseModel(
  'every.yaml',
  `fields:
  id: { gen: device, template: "d-{id}" }
  raw_id: { gen: device }
  seq: { gen: seq }
  big: { gen: uniform, min: -9007199254740000, max: 9007199254740000, round: 0 }
  small: { gen: normal, mean: 0, sd: 2000000000, min: -2147483648, max: 2147483647, round: 0 }
  d: { gen: normal, mean: 0, sd: 1e6 }
  at_us: { gen: time, unit: us }
  at: { gen: time, unit: iso }
  zone: { gen: choice, values: [eu-west, us-east, ""] }
  level: { gen: states, initial: a, transitions: { a: { a: 0.5, b: 0.5 }, b: { a: 0.5, b: 0.5 } } }
  list: { gen: array, count: 3, items: { gen: uniform, min: 0, max: 100000, round: 2 } }
  none: { gen: array, count: 0, items: { gen: seq } }
  inner: { ok: { gen: constant, value: true }, no: { gen: constant, value: false }, name: { gen: constant, value: "x y" }, n: { gen: constant, value: 7 } }
`,
);

/** Every record's slot-writer bytes against avsc's encoding of the same value, with a registry header. */
function assertSameBytes(model: ModelSpec, records: number): void {
  const schemaText = JSON.stringify(avroSchemaOf(modelValueShape(model)));
  const spec = { kind: 'avro' as const, schemaText, fills: [], prefix: confluentPrefix(70_000) };
  const writer = avroSlotWriter(model, spec, schemaText);
  assert.ok(writer, `${model.file}: a slot writer`);
  const reference = new AvroEncoder(spec);
  const record = new CompiledModel(model, { firstDevice: 2 ** 40, deviceCount: 300 }, 5);
  const target = Buffer.alloc(writer.maxBytes);
  for (let i = 0; i < records; i++) {
    record.advance(1_765_000_000_000_000 + i * 7_919_000);
    const end = writer.write(record.slots, target, 0);
    assert.ok(Buffer.from(reference.encode(record.value())).equals(target.subarray(0, end)), `${model.file} record ${i}`);
  }
}

test("the slot writer writes avsc's bytes, record for record: every field kind, and each built-in model", () => {
  assertSameBytes(every, 20_000);
  for (const name of ['weather', 'simple', 'iot']) assertSameBytes(readModelFile(modelFileOf(name)), 20_000);
});

test("longs at avsc's integer/float boundary and near 2^53", () => {
  const target = Buffer.alloc(10);
  const type = avro.Type.forSchema('long');
  for (const n of [0, -1, 63, -64, 64, 2 ** 30 - 1, 2 ** 30, -(2 ** 30), -(2 ** 30) - 1, 2 ** 31, 2 ** 53 - 2, -(2 ** 53) + 2]) {
    assert.ok(type.toBuffer(n).equals(target.subarray(0, writeAvroLong(n, target, 0))), String(n));
  }
});

test("a user's schema, defaults to fill or non-ASCII strings: no slot writer (avsc writes those)", () => {
  const weather = readModelFile(modelFileOf('weather'));
  const derived = JSON.stringify(avroSchemaOf(modelValueShape(weather)));
  assert.is(avroSlotWriter(weather, { kind: 'avro', schemaText: derived.replace('"long"', '"double"'), fills: [], prefix: [] }, derived), null);
  assert.is(avroSlotWriter(weather, { kind: 'avro', schemaText: derived, fills: [{ path: ['x'], value: 1 }], prefix: [] }, derived), null);
  const accents = parseModel('a.yaml', 'fields:\n  city: { gen: choice, values: [Zürich, Bern] }\n');
  const text = JSON.stringify(avroSchemaOf(modelValueShape(accents)));
  assert.is(avroSlotWriter(accents, { kind: 'avro', schemaText: text, fills: [], prefix: [] }, text), null);
});

test.run();
