import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunResult } from '../../../src/contracts/result.js';
import type { StageResult } from '../../../src/contracts/stage.js';
import { intervalsCsv } from '../../../src/report/csv.js';
import { liveLine } from '../../../src/report/live.js';
import { renderMetrics } from '../../../src/report/metrics-server.js';
import { renderStages } from '../../../src/report/stages.js';
import { renderSummary } from '../../../src/report/summary.js';
import { classifyResult } from '../../../src/report/inputs.js';
import { encodeHdr, newHdrHistogram } from '../../../src/histogram/merge.js';
import { fakeRunResult } from '../../helpers/fake-result.js';

const enriched: StageResult = {
  name: 'enriched',
  topic: 'iot.enriched',
  expect: 'passthrough',
  trace: 'header',
  records: 100_000,
  recordsPerSec: 9_998.5,
  latency: { count: 100_000, p50: 4_100, p95: 9_000, p99: 12_500, p999: 30_000, max: 41_000, mean: 5_000, unit: 'us', hdr: '' },
  integrity: { lost: 0, duplicates: 0, outOfOrder: 0, foreign: 0, foreignUnknownReason: null, passedShare: 1 },
  processorLag: { group: 'enricher', input: 'raw', lastRecords: 12, maxRecords: 4_321 },
};
const windows: StageResult = { ...enriched, name: 'per"sec', topic: 'windows', expect: 'aggregate', trace: 'timestamp', records: 120, recordsPerSec: 20, integrity: { lost: null, duplicates: null, outOfOrder: null, foreign: null, foreignUnknownReason: 'an aggregate\'s outputs are computed from the input, not records of it', passedShare: null }, processorLag: null };

function withStages(): RunResult {
  const run = fakeRunResult();
  run.stages = [enriched, windows];
  run.intervals = run.intervals.map((row, i) => ({ ...row, stages: [{ name: 'enriched', recordsPerSec: 1_000 + i, p99Us: 12_000, processorLagRecords: 40 }, { name: 'per"sec', recordsPerSec: 20, p99Us: null, processorLagRecords: null }] }));
  return run;
}

test('the summary has one row per stage, dashes for what its expectation does not claim, and the timestamp unit said', () => {
  const text = renderStages(withStages()).join('\n');
  assert.match(text, /stage enriched\s+passthrough\s+header\s+100,000\s+9,999 rec\/s\s+4\.100\s+12\.50\s+30\.00\s+41\.00\s+0\s+0\s+0\s+0\s+100\.00 %\s+12 \/ 4,321/);
  assert.match(text, /stage per"sec\s+aggregate\s+timestamp\s+120\s+20 rec\/s(\s+[\d.]+){4}(\s+–){5}\s+–/);
  assert.match(text, /whole milliseconds/);
  assert.match(renderSummary(withStages()), /stage enriched/);
  assert.equal(renderStages(fakeRunResult()), []);
  const bare = withStages();
  bare.stages![0] = { ...enriched, trace: 'timestamp', integrity: { ...enriched.integrity, foreign: null, foreignUnknownReason: '12 of 100000 traced records named no run or device (…)' } };
  assert.match(renderStages(bare).join('\n'), /stage enriched: foreign not counted: 12 of 100000 traced records named no run or device/);
  assert.not.match(text, /foreign not counted/, 'not for an aggregate');
});

test('the live line carries each stage\'s rate, p99 and processor lag', () => {
  const line = liveLine(withStages().intervals[0]!);
  assert.match(line, /enriched 1,000 rec\/s p99 12\.\d+ ms proc lag 40/);
  assert.match(line, /per"sec 20 rec\/s p99 –/);
});

test('/metrics: one gauge per stage and figure, labelled by stage (quotes escaped); none without a figure', () => {
  const run = withStages();
  const text = renderMetrics({ row: run.intervals[0], cumulative: undefined, done: false });
  assert.match(text, /\nstampede_stage_records_per_second\{stage="enriched"\} 1000\n/);
  assert.match(text, /\nstampede_stage_records_per_second\{stage="per\\"sec"\} 20\n/);
  assert.match(text, /\nstampede_stage_latency_p99_seconds\{stage="enriched"\} 0\.012\n/);
  assert.match(text, /\nstampede_stage_processor_lag_records\{stage="enriched"\} 40\n/);
  assert.not.match(text, /stampede_stage_latency_p99_seconds\{stage="per/);  assert.not.match(text, /stampede_stage_lost_records/, 'integrity only once the run is done');
  const done = renderMetrics({ row: run.intervals[0], cumulative: undefined, done: true, stages: run.stages });
  assert.match(done, /\nstampede_stage_lost_records\{stage="enriched"\} 0\n/);
  assert.match(done, /\nstampede_stage_processor_lag_max_records\{stage="enriched"\} 4321\n/);
  assert.match(done, /\nstampede_stage_records_total\{stage="per\\"sec"\} 120\n/);
  assert.not.match(done, /stampede_stage_lost_records\{stage="per/, 'an aggregate claims no loss');
});

test('CSV: three columns per stage after the run\'s own', () => {
  const csv = intervalsCsv([{ label: 'r', file: 'r.json', run: withStages() }]).split('\r\n');
  assert.ok(csv[0]!.endsWith(',stage enriched recordsPerSec,stage enriched p99Us,stage enriched processorLagRecords,"stage per""sec recordsPerSec","stage per""sec p99Us","stage per""sec processorLagRecords"'), csv[0]);
  assert.ok(csv[1]!.endsWith(',1000,12000,40,20,,'), csv[1]);
});

test('a result file\'s stages are checked before any reader uses them: a wrong field is one line naming it', () => {
  const run = withStages();
  const hdr = encodeHdr(newHdrHistogram());
  run.stages = run.stages!.map((stage) => ({ ...stage, latency: stage.latency && { ...stage.latency, hdr } }));
  const doc = JSON.parse(JSON.stringify(run)) as Record<string, unknown>;
  assert.is(classifyResult('r.json', doc).kind, 'run');
  (doc['stages'] as Record<string, unknown>[])[1]!['integrity'] = { lost: 'none' };
  assert.throws(() => classifyResult('r.json', doc), /result file r\.json is not a valid run result: stages\[1\]\.integrity\.lost must be a number/);
});

test.run();
