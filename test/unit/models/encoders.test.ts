import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Unpackr } from 'msgpackr';
import { parseModel, readModelFile } from '../../../src/models/read-model.js';
import { modelFileOf } from '../../../src/models/resolve.js';
import { ModelRecordWriter } from '../../../src/models/record-writer.js';
import { CompiledModel } from '../../../src/models/compile.js';
import { planJsonBytes } from '../../../src/models/json-bytes.js';
import { encoderForModel, registerValueEncoder } from '../../../src/models/encoders.js';
import { modelValueShape } from '../../../src/models/shape.js';
import { ModelIdentityReader, modelCarriesIdentity, modelIdentity } from '../../../src/models/identity.js';
import { BatchBuilder, unpackBatch, type PackedRecord } from '../../../src/records/batch.js';
import type { ModelEncoding } from '../../../src/models/spec.js';

const nested = parseModel(
  'vehicle.yaml',
  `key: place.city
fields:
  vin: { gen: device, template: "VIN-{id}-x" }
  seq: { gen: seq }
  at: { gen: time, unit: us }
  place: { city: { gen: choice, values: [Zürich, "Genève", 'say "hi"'] }, zip: { gen: uniform, min: 1000, max: 9999, round: 0 } }
  tyres: { gen: array, count: 4, items: { gen: normal, mean: 2.2, sd: 0.1, round: 2 } }
  on: { gen: constant, value: true }
`,
);

function write(encoding: ModelEncoding, records: number, options = {}): PackedRecord[] {
  const writer = new ModelRecordWriter(nested, { firstDevice: 40, deviceCount: 5 }, 1, encoding, options);
  const batch = new BatchBuilder(64); // tiny: every few records grow it
  for (let i = 0; i < records; i++) writer.append(batch, 1_765_000_000_123_456 + i);
  return [...unpackBatch(Buffer.from(batch.view()))];
}

test('json: nested objects, arrays, non-ASCII and quoted strings decode with JSON.parse; the key is the nested field in UTF-8', () => {
  const records = write('json', 500);
  assert.is(records.length, 500);
  for (const record of records) {
    const value = JSON.parse(record.value.toString('utf8'));
    assert.is(record.key!.toString('utf8'), value.place.city);
    assert.ok(['Zürich', 'Genève', 'say "hi"'].includes(value.place.city));
    assert.is(value.tyres.length, 4);
    assert.is(value.on, true);
    assert.match(value.vin, /^VIN-4\d-x$/);
  }
});

test('msgpack: the same values as plain MessagePack maps', () => {
  const json = write('json', 50).map((record) => JSON.parse(record.value.toString('utf8')));
  const unpackr = new Unpackr({ useRecords: false });
  const packed = write('msgpack', 50).map((record) => unpackr.unpack(record.value));
  assert.equal(packed, json);
});

test('text: the template filled with field values', () => {
  const records = write('text', 300, { template: [{ text: 'city=' }, { path: ['place', 'city'] }, { text: ' seq=' }, { path: ['seq'] }] });
  assert.match(records[0]!.value.toString('utf8'), /^city=(Zürich|Genève|say "hi") seq=0$/);
  assert.is(records.length, 300);
});

test('null and device keys', () => {
  for (const [key, expected] of [['null', null], ['device', '40']] as const) {
    const model = parseModel('k.yaml', `key: ${key}\nfields:\n  id: { gen: device }\n`);
    const batch = new BatchBuilder();
    new ModelRecordWriter(model, { firstDevice: 40, deviceCount: 1 }, 1).append(batch, 0);
    const [record] = [...unpackBatch(batch.view())];
    assert.is(record!.key === null ? null : record!.key.toString(), expected);
  }
});

test('the value shape follows the generators', () => {
  assert.equal(modelValueShape(nested), {
    type: 'record',
    name: 'Vehicle',
    fields: [
      { name: 'vin', shape: { type: 'string' } },
      { name: 'seq', shape: { type: 'long' } },
      { name: 'at', shape: { type: 'long' } },
      { name: 'place', shape: { type: 'record', name: 'VehiclePlace', fields: [{ name: 'city', shape: { type: 'string' } }, { name: 'zip', shape: { type: 'int' } }] } },
      { name: 'tyres', shape: { type: 'array', items: { type: 'double' } } },
      { name: 'on', shape: { type: 'boolean' } },
    ],
  });
  const weather = modelValueShape(readModelFile(modelFileOf('weather')));
  assert.equal(weather.type === 'record' && weather.fields.find((field) => field.name === 'status')?.shape, { type: 'enum', symbols: ['ok', 'warn', 'fault'] });
});

test('an encoding registered from outside (as avro and protobuf plug in) gets the model\'s shape and plain values', () => {
  const seen: unknown[] = [];
  registerValueEncoder('protobuf', (model, shape) => ({
    encode(value) {
      seen.push([model.file, shape.type, value['seq']]);
      return Uint8Array.of(1, 2, 3);
    },
  }));
  const encoder = encoderForModel(nested, 'protobuf');
  const batch = new BatchBuilder();
  const record = new CompiledModel(nested, { firstDevice: 0, deviceCount: 1 }, 1);
  for (let i = 0; i < 8; i++) record.advance(0);
  encoder.append(batch, record, { prepare() {}, reserve: (b, bytes) => b.add(null, bytes, 0) });
  assert.equal(seen, [['vehicle.yaml', 'record', 7]]);
  assert.equal([...[...unpackBatch(batch.view())][0]!.value], [1, 2, 3]);
});

test('identity read back from the value: device from its template, seq, and send time in µs', () => {
  assert.ok(modelCarriesIdentity(nested));
  assert.not.ok(modelCarriesIdentity(readModelFile(modelFileOf('weather'))), 'weather\'s time is in ms');
  assert.is(modelIdentity(readModelFile(modelFileOf('simple'))), null, 'simple has no seq');
  const reader = new ModelIdentityReader(modelIdentity(nested)!);
  const out = { deviceId: 0, seq: 0, sentAtUs: 0 };
  const records = write('json', 12);
  reader.read(records[11]!.value, out);
  assert.equal(out, { deviceId: 41, seq: 2, sentAtUs: 1_765_000_000_123_467 });
  assert.throws(() => reader.read(Buffer.from('{"vin":"car-3","seq":1,"at":5}'), out), /lacks vin, seq or at/);
});

test('JSON written as bytes is JSON.stringify\'s text of the same value, number for number', () => {
  const model = parseModel(
    'n.yaml',
    `fields:
  id: { gen: device, template: "d-{id}" }
  big: { gen: uniform, min: -9007199254740000, max: 9007199254740000, round: 0 }
  tiny: { gen: normal, mean: 0, sd: 0.00001 }
  r1: { gen: normal, mean: 0, sd: 3, round: 1 }
  r3: { gen: uniform, min: -2, max: 2, round: 3 }
  r9: { gen: uniform, min: -1, max: 1, round: 9 }
  edge: { gen: walk, start: -40.05, step: { gen: normal, mean: 0, sd: 0.01 }, min: -40.05, max: -40, round: 1 }
  raw: { gen: uniform, min: -1e22, max: 1e22 }
  at: { gen: time, unit: iso }
  list: { gen: array, count: 3, items: { gen: uniform, min: 0, max: 100000, round: 2 } }
  inner: { ok: { gen: constant, value: true }, name: { gen: constant, value: "naïve \\"q\\"" } }
`,
  );
  const plan = planJsonBytes(model.fields, true)!;
  const record = new CompiledModel(model, { firstDevice: 0, deviceCount: 50 }, 3);
  const target = Buffer.alloc(plan.maxBytes);
  for (let i = 0; i < 20_000; i++) {
    record.advance(1_765_000_000_000_000 + i * 7_919_000);
    const end = plan.write(record.slots, target, 0);
    assert.is(target.toString('utf8', 0, end), JSON.stringify(record.value()));
  }
});

test("each built-in model's JSON bytes are JSON.stringify's text, record for record", () => {
  for (const name of ['weather', 'simple', 'iot']) {
    const model = readModelFile(modelFileOf(name));
    const plan = planJsonBytes(model.fields, true)!;
    const record = new CompiledModel(model, { firstDevice: 1_000, deviceCount: 2_000 }, 11);
    const target = Buffer.alloc(plan.maxBytes);
    for (let i = 0; i < 20_000; i++) {
      record.advance(1_765_000_000_000_000 + i * 1_234_567_891);
      const end = plan.write(record.slots, target, 0);
      if (target.toString('utf8', 0, end) !== JSON.stringify(record.value())) assert.is(target.toString('utf8', 0, end), JSON.stringify(record.value()), `${name} record ${i}`);
    }
  }
});

test.run();
