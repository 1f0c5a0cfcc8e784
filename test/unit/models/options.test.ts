import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWorkloadFile, resolveWorkload } from '../../../src/options/workload.js';
import { StampedeError } from '../../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'stampede-model-options-'));

test('model: in a workload file names a built-in model or a file; a flag overrides it', () => {
  const workloadFile = join(dir, 'w.yaml');
  writeFileSync(workloadFile, 'model: weather\ndevices: 500\n');
  const fromFile = resolveWorkload(readWorkloadFile(workloadFile), {}, workloadFile);
  assert.is(fromFile.model?.encoding, 'json');
  assert.match(fromFile.model!.file, /configs\/models\/weather\.yaml$/);
  const own = join(dir, 'own.yaml');
  writeFileSync(own, 'fields:\n  id: { gen: device }\n');
  assert.is(resolveWorkload(readWorkloadFile(workloadFile), { model: own }, workloadFile).model?.file, own);
  assert.is(resolveWorkload({}, {}).model, undefined, 'no --model: the built-in simulator');
});

test('a model that cannot run as asked: one line, exit 2, before anything starts', () => {
  const simple = (): unknown => resolveWorkload({}, { model: 'simple', e2e: 'true', 'record-trace': 'value' });
  assert.throws(simple, /--e2e with --model .*simple\.yaml and --record-trace value: its value carries no record identity/);
  try {
    simple();
  } catch (err) {
    assert.instance(err, StampedeError);
    assert.is((err as StampedeError).exitCode, 2);
  }
  const text = join(dir, 'text.yaml');
  writeFileSync(text, 'encoding: text\ntemplate: "{id}"\nfields:\n  id: { gen: device }\n  seq: { gen: seq }\n  at: { gen: time, unit: us }\n');
  assert.throws(() => resolveWorkload({}, { model: text, e2e: 'true', 'record-trace': 'value' }), /text values are not read back for their identity; use --record-trace header/);
  assert.not.throws(() => resolveWorkload({}, { model: 'weather', transactional: 'true' }));
  assert.not.throws(() => resolveWorkload({}, { model: 'weather', e2e: 'true' }));
});

test('the record trace a model run gets by default: the header when its value lacks a µs identity, the value when it has one', () => {
  assert.is(resolveWorkload({}, { model: 'simple', e2e: 'true' }).recordTrace, 'header');
  assert.is(resolveWorkload({}, { model: 'weather', e2e: 'true' }).recordTrace, 'header', 'its time field is in ms');
  const exact = join(dir, 'exact.yaml');
  writeFileSync(exact, 'fields:\n  id: { gen: device }\n  seq: { gen: seq }\n  at: { gen: time, unit: us }\n');
  assert.is(resolveWorkload({}, { model: exact, e2e: 'true' }).recordTrace, 'value');
  assert.is(resolveWorkload({}, { e2e: 'true' }).recordTrace, 'value', 'the built-in simulator');
  assert.is(resolveWorkload({}, { model: 'simple', client: 'node-rdkafka' }).recordTrace, 'value', 'node-rdkafka cannot write the header');
  assert.not.throws(() => resolveWorkload({}, { model: 'iot', transactional: 'true' }), 'iot is the built-in simulator');
});

test.run();
