import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveWorkload } from '../../../src/options/workload.js';
import { defaultRecordTrace } from '../../../src/options/record-trace.js';

test('defaultRecordTrace: header when a stage is observed or the values carry no identity, else value', () => {
  assert.is(defaultRecordTrace({ observedStages: 0, modelCarriesIdentity: true }), 'value');
  assert.is(defaultRecordTrace({ observedStages: 1, modelCarriesIdentity: true }), 'header');
  assert.is(defaultRecordTrace({ observedStages: 0, modelCarriesIdentity: false }), 'header');
});

test('--record-trace defaults to value with no run id; a workload key sets it', () => {
  const plain = resolveWorkload({}, {});
  assert.equal([plain.recordTrace, plain.traceRunId], ['value', undefined]);
  assert.is(resolveWorkload({ 'record-trace': 'header' }, {}, 'w.yaml').recordTrace, 'header');
  assert.throws(() => resolveWorkload({ 'record-trace': 'footer' }, {}, 'w.yaml'), /w\.yaml: record-trace must be one of header, value, none/);
});

test('the trace run id: 16 hex digits, hashed from --run-id (the same for every instance), random per invocation without one', () => {
  const named = (runId: string) => resolveWorkload({}, { 'record-trace': 'header', 'run-id': runId }).traceRunId;
  assert.match(named('nightly-42')!, /^[0-9a-f]{16}$/);
  assert.is(named('nightly-42'), named('nightly-42'));
  assert.is.not(named('nightly-42'), named('nightly-43'));
  assert.not.match(named('nightly-42')!, /nightly/);
  const instance = (id: string) => resolveWorkload({}, { 'record-trace': 'header', instances: '2', 'instance-id': id }).traceRunId;
  assert.is(instance('0'), instance('1'), 'instances of one run without --run-id share the workload fingerprint');
  const anonymous = () => resolveWorkload({}, { 'record-trace': 'header' }).traceRunId;
  assert.match(anonymous()!, /^[0-9a-f]{16}$/);
  assert.is.not(anonymous(), anonymous());
});

test.run();
