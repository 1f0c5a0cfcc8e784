import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseModel, readModelFile } from '../../../src/models/read-model.js';
import { modelFileOf, kBuiltInModels } from '../../../src/models/resolve.js';
import { StampedeError } from '../../../src/errors.js';
import { registerSchemaEncodings } from '../../../src/encodings/model-encodings.js';

// avro and protobuf, as every run has them (src/options/value-schema.ts registers them).
registerSchemaEncodings();

/** The one line a model's fault gives, and that it is a usage error (exit 2). */
function faultOf(text: string): string {
  try {
    parseModel('m.yaml', text);
  } catch (err) {
    assert.instance(err, StampedeError);
    assert.is((err as StampedeError).exitCode, 2);
    const message = (err as Error).message;
    assert.not.match(message, '\n');
    return message;
  }
  throw new Error('the model was accepted');
}

test('the built-in models read as written, by name', () => {
  for (const name of kBuiltInModels) {
    const model = readModelFile(modelFileOf(name));
    assert.ok(model.fields.length >= 3, name);
  }
  assert.is(readModelFile(modelFileOf('iot')).builtin, 'iot');
  assert.is(readModelFile(modelFileOf('weather')).active, 0.8);
});

test('the README\'s text model (an integer temperature as text) works as written', () => {
  const model = parseModel('t.yaml', 'key: device\nencoding: text\ntemplate: "{temperature}"\nfields:\n  temperature: { gen: uniform, min: 10, max: 30, round: 0 }\n');
  assert.equal(model.template, [{ path: ['temperature'] }]);
});

test('an unknown generator: file, line and field', () => {
  assert.is(faultOf('fields:\n  a: { gen: seq }\n  b: { gen: gauss, mean: 1 }\n'), 'model file m.yaml line 3: fields.b.gen: unknown generator "gauss" (known: device, seq, constant, uniform, normal, choice, walk, states, time, daily, array, object)');
});

test('a distribution without its parameters', () => {
  assert.is(faultOf('fields:\n  a: { gen: normal, mean: 1 }\n'), 'model file m.yaml line 2: fields.a: generator normal needs sd');
  assert.is(faultOf('fields:\n  w: { gen: walk, start: 1, step: { gen: uniform, min: 0 } }\n'), 'model file m.yaml line 2: fields.w.step: generator uniform needs max');
});

test('a probability row that does not sum to 1', () => {
  const text = 'fields:\n  s:\n    gen: states\n    transitions:\n      ok: { ok: 0.9, bad: 0.2 }\n      bad: { ok: 1 }\n';
  assert.is(faultOf(text), 'model file m.yaml line 5: fields.s.transitions.ok: probabilities sum to 1.1, not 1');
});

test('a transition to a state without its own row', () => {
  assert.match(faultOf('fields:\n  s: { gen: states, transitions: { ok: { ok: 0.5, gone: 0.5 } } }\n'), 'line 2: fields.s.transitions.ok.gone: is not a state');
});

test('a key or template naming a field that does not exist', () => {
  assert.is(faultOf('key: station\nfields:\n  id: { gen: device }\n'), 'model file m.yaml line 1: key: names no field of the model: station (fields: id)');
  assert.is(faultOf('encoding: text\ntemplate: "{temp} C"\nfields:\n  temperature: { gen: uniform, min: 0, max: 1 }\n'), 'model file m.yaml line 2: template: names no field of the model: temp (fields: temperature)');
  assert.match(faultOf('key: place.city\nfields:\n  place: { city: { gen: constant, value: x } , zip: { gen: seq } }\n  id: { gen: device }\n'.replace('city: { gen: constant, value: x } ,', 'town: { gen: constant, value: x },')), 'names no field of the model: place.city (fields: town, zip)');
});

test('a key naming a nested field is a path into it', () => {
  const model = parseModel('m.yaml', 'key: place.city\nfields:\n  place: { city: { gen: choice, values: [oslo, rome] } }\n');
  assert.equal(model.key, { from: 'field', path: ['place', 'city'] });
});

test('other faults name their field', () => {
  assert.match(faultOf('fields:\n  a: { gen: uniform, min: 5, max: 1 }\n'), 'line 2: fields.a.max: must be at least min (5)');
  assert.match(faultOf('fields:\n  a: { gen: seq, start: 3 }\n'), 'line 2: fields.a.start: generator seq takes no start');
  assert.match(faultOf('active: 1.5\nfields:\n  a: { gen: seq }\n'), 'line 1: active: must be a share');
  assert.match(faultOf('weights: { 1: 0.5, 4: 0.4 }\nfields:\n  a: { gen: seq }\n'), 'line 1: weights: shares sum to 0.9, not 1');
  assert.match(faultOf('encoding: text\nfields:\n  a: { gen: seq }\n'), 'line 1: encoding: text needs a template');
  assert.match(faultOf('encoding: protobuf\nfields:\n  a: { gen: seq }\n'), 'line 1: encoding: protobuf needs schema: <file>.proto');
  assert.match(faultOf('schema: w.avsc\nfields:\n  a: { gen: seq }\n'), 'line 1: schema: is for the avro and protobuf encodings (this model\'s is json)');
  assert.match(faultOf('encoding: avro\nmessage: M\nfields:\n  a: { gen: seq }\n'), 'line 2: message: is for the protobuf encoding (this model\'s is avro)');
  assert.match(faultOf('fields:\n  a: { gen: daily, base: 1, hours: [1, 2] }\n'), 'line 2: fields.a.hours: must list 24 multipliers');
  assert.match(faultOf('fields:\n  a: [1, 2]\n'), 'line 2: fields.a: must be a generator');
  assert.match(faultOf('fields: {}\n'), 'line 1: fields: must be a mapping');
  assert.match(faultOf('colour: red\nfields:\n  a: { gen: seq }\n'), 'line 1: colour: unknown key');
  assert.match(faultOf('fields:\n  a: { gen: seq\n'), 'm.yaml line');
});

test('a model file that cannot be read is named', () => {
  assert.throws(() => readModelFile('/nonexistent/model.yaml'), /--model \/nonexistent\/model\.yaml cannot be read \(ENOENT\)/);
});

test.run();
