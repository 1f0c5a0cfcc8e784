import { test } from 'uvu';
import { DeviceSchedule } from '../../../src/models/schedule.js';
import { readModelFile } from '../../../src/models/read-model.js';
import { modelFileOf } from '../../../src/models/resolve.js';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StampedeError } from '../../../src/errors.js';
import { mergeInstanceResults } from '../../../src/sources/instance-files.js';
import { classifyResult } from '../../../src/report/inputs.js';
import type { RunResult } from '../../../src/contracts/result.js';
import { readExpectation } from '../../../src/verify/expectation.js';
import { fakeBenchMaxResult, fakeCompareResult, fakeRunResult } from '../../helpers/fake-result.js';
import { wideRangeHdr } from '../../helpers/hostile-hdr.js';

const dir = mkdtempSync(join(tmpdir(), 'stampede-result-files-'));
const run = fakeRunResult({ e2e: true });

/** The error a reader throws for `doc`: a StampedeError of exit code 2, its message. */
function refusal(read: () => unknown): string {
  try {
    read();
  } catch (err) {
    assert.instance(err, StampedeError, String((err as Error).stack));
    assert.is((err as StampedeError).exitCode, 2);
    return (err as Error).message;
  }
  assert.unreachable('was accepted');
  return '';
}

test('every kind stampede writes is read back: run (with --e2e), compare, bench-max', () => {
  assert.is(classifyResult('run.json', JSON.parse(JSON.stringify(run))).kind, 'run');
  assert.is(classifyResult('compare.json', JSON.parse(JSON.stringify(fakeCompareResult()))).kind, 'compare');
  assert.is(classifyResult('bench.json', JSON.parse(JSON.stringify(fakeBenchMaxResult()))).kind, 'bench-max');
});

test('a result of the wrong shape is refused naming the file and the field, before a report reads it', () => {
  assert.is(refusal(() => classifyResult('shape.json', { totals: {}, latency: {}, intervals: [] })), 'result file shape.json is not a valid run result: tool must be an object (got nothing)');
  const doc = JSON.parse(JSON.stringify(run)) as RunResult;
  (doc.totals as unknown as Record<string, unknown>)['recordsPerSec'] = 'fast';
  assert.match(refusal(() => classifyResult('rate.json', doc)), /^result file rate\.json is not a valid run result: totals\.recordsPerSec must be a number \(got "fast"\)$/);
  const rows = JSON.parse(JSON.stringify(run)) as RunResult;
  (rows.intervals[3] as unknown as Record<string, unknown>)['phase'] = null;
  assert.match(refusal(() => classifyResult('rows.json', rows)), /rows\.json is not a valid run result: intervals\[3\]\.phase must be a string \(got null\)/);
  const compare = JSON.parse(JSON.stringify(fakeCompareResult()));
  delete compare.modes.broker.latency;
  assert.match(refusal(() => classifyResult('c.json', compare)), /c\.json is not a valid compare result: modes\.broker\.latency must be an object \(got nothing\)/);
  const bench = fakeBenchMaxResult();
  (bench['peers'] as Record<string, unknown>[])[1]!['recordsPerSec'] = '1e6';
  assert.match(refusal(() => classifyResult('b.json', bench)), /b\.json is not a valid bench-max result: peers\[1\]\.recordsPerSec must be a number/);
});

test('a histogram field that would inflate past our layout is refused by name', () => {
  const doc = JSON.parse(JSON.stringify(run)) as RunResult;
  doc.latency.endToEnd!.hdr = wideRangeHdr();
  assert.match(refusal(() => classifyResult('wide.json', doc)), /^result file wide\.json is not a valid run result: latency\.endToEnd\.hdr is not a usable HdrHistogram: a histogram of 5 significant digits/);
});

/** An instance's result as `run --instance-id` writes it. */
const instanceFile = (id: number, count: number): RunResult => ({ ...(JSON.parse(JSON.stringify(run)) as RunResult), instance: { id, count, runId: 'r', runIdFrom: 'option', slice: null } });

test('merge does not trust an instance count: 10^15 is refused, and many missing instances are counted, not listed', () => {
  assert.match(refusal(() => mergeInstanceResults([instanceFile(0, 1e15)], ['a.json'])), /a\.json: instance\.count must be an integer from 1 to 100000 \(got 1000000000000000\)/);
  assert.match(refusal(() => mergeInstanceResults([instanceFile(5, 3)], ['a.json'])), /a\.json: instance\.id must be an integer from 0 to 2 \(got 5\)/);
  const message = refusal(() => mergeInstanceResults([instanceFile(0, 100_000), instanceFile(1, 100_000)], ['a.json', 'b.json']));
  assert.match(message, /^instances 2, 3, 4, .*, 21 … \(99998 in all\) of 100000 missing \(run r\)$/);
});

test('verify --expect refuses a plan of 10^15 devices instead of walking every one', () => {
  const file = join(dir, 'huge-plan.json');
  writeFileSync(file, JSON.stringify({ ...run, plan: [{ index: 0, firstDevice: 0, deviceCount: 1e15, records: null }], sentPerShard: [1] }));
  const startedAt = performance.now();
  assert.match(refusal(() => readExpectation(file)), /--expect .*huge-plan\.json: plan\[0\]\.deviceCount must be an integer from 1 to 100000000 \(got 1000000000000000\)/);
  writeFileSync(file, JSON.stringify({ ...run, plan: [0, 1].map((index) => ({ index, firstDevice: index * 60_000_000, deviceCount: 60_000_000, records: null })), sentPerShard: [1, 1] }));
  assert.match(refusal(() => readExpectation(file)), /the plan has more than 100000000 devices \(--devices' bound\) at plan\[1\]/);
  assert.ok(performance.now() - startedAt < 1_000);
});

test("verify --expect of a device model run: counts from the model's schedule; refused when incomplete or when records cannot name themselves", () => {
  const file = join(dir, 'model-run.json');
  const weather = readModelFile(modelFileOf('weather'));
  const { builtin: _builtin, ...model } = weather;
  const plan = [{ index: 0, firstDevice: 0, deviceCount: 50, records: null }];
  writeFileSync(file, JSON.stringify({ ...run, plan, sentPerShard: [1000], workload: { ...run.workload, seed: 4, recordTrace: 'header', model } }));
  const expectation = readExpectation(file);
  assert.ok(expectation.model?.orders.length === 1 && expectation.model.identity?.deviceField === 'station_id');
  const schedule = new DeviceSchedule(model, 4, 0, 50);
  assert.is(expectation.perDevice.recordsPerDevice(7), schedule.recordsOf(7, 1000));
  writeFileSync(file, JSON.stringify({ ...run, workload: { ...run.workload, seed: 4, model: { file: 'weather.yaml', fields: [] } } }));
  assert.match(refusal(() => readExpectation(file)), /model-run\.json: its device model weather\.yaml is incomplete/);
  const simple = readModelFile(modelFileOf('simple'));
  writeFileSync(file, JSON.stringify({ ...run, plan, sentPerShard: [10], workload: { ...run.workload, seed: 4, recordTrace: 'none', model: simple } }));
  assert.match(refusal(() => readExpectation(file)), /is a run of device model .*simple\.yaml whose records name neither themselves \(no trace header: --record-trace none\)/);
});

test.run();
