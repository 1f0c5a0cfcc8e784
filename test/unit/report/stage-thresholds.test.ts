import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StampedeError } from '../../../src/errors.js';
import { encodeHdr, newHdrHistogram } from '../../../src/histogram/merge.js';
import { parseThreshold, parseThresholdList } from '../../../src/options/thresholds.js';
import { evaluateThresholds, formatObserved } from '../../../src/verdicts/thresholds.js';
import type { StageResult } from '../../../src/contracts/stage.js';
import { fakeRunResult } from '../../helpers/fake-result.js';

function stage(name: string, latenciesUs: number[]): StageResult {
  const histogram = newHdrHistogram();
  for (const value of latenciesUs) histogram.recordValue(value);
  return {
    name,
    topic: name,
    expect: 'subset',
    trace: 'header',
    records: latenciesUs.length,
    recordsPerSec: 100,
    latency: { count: latenciesUs.length, p50: 0, p95: 0, p99: 0, p999: 0, max: Math.max(...latenciesUs), mean: 0, unit: 'us', hdr: encodeHdr(histogram) },
    integrity: { lost: null, duplicates: 2, outOfOrder: 0, foreign: 0, foreignUnknownReason: null, passedShare: 0.42 },
    processorLag: { group: 'app', input: 'raw', lastRecords: 10, maxRecords: 900 },
  };
}

test('stage.NAME.<metric>: the name may hold dots (a topic\'s), the metric is the last part that names one', () => {
  assert.equal(parseThreshold('--threshold', 'stage.enriched.p99<200ms').metric, { type: 'stage', stage: 'enriched', stat: 'percentile', percentile: 99 });
  assert.is(parseThreshold('--threshold', 'stage.enriched.p99<200ms').limit, 200_000);
  assert.equal(parseThreshold('--threshold', 'stage.iot.alerts.p99.9<1s').metric, { type: 'stage', stage: 'iot.alerts', stat: 'percentile', percentile: 99.9 });
  assert.equal(parseThreshold('--threshold', 'stage.Enriched.lost==0').metric, { type: 'stage', stage: 'Enriched', stat: 'lost' });
  assert.is(parseThreshold('--threshold', 'stage.a.passed>=40%').limit, 0.4);
  for (const bad of ['stage.a.lost<5ms', 'stage.a.bogus<1', 'stage.p99<1']) {
    assert.throws(() => parseThreshold('--threshold', bad), (err: unknown) => err instanceof StampedeError && err.exitCode === 2 && err.message.includes(JSON.stringify(bad)));
  }
});

test('stage thresholds judge that stage\'s entry; a stage not observed, or a figure it does not have, fails as no data', () => {
  const run = { ...fakeRunResult(), stages: [stage('enriched', [1_000, 2_000, 300_000])] };
  const outcomes = evaluateThresholds(run, parseThresholdList('--threshold', ['stage.enriched.p50<5ms', 'stage.enriched.max<200ms', 'stage.enriched.duplicates==0', 'stage.enriched.passed>40%', 'stage.enriched.lag<1000', 'stage.enriched.lost==0', 'stage.other.p99<1s']));
  assert.equal(outcomes.map((outcome) => [outcome.metric, outcome.pass]), [
    ['stage.enriched.p50', true],
    ['stage.enriched.max', false],
    ['stage.enriched.duplicates', false],
    ['stage.enriched.passed', true],
    ['stage.enriched.lag', true],
    ['stage.enriched.lost', false],
    ['stage.other.p99', false],
  ]);
  assert.is(outcomes[5]!.observed, null, 'a subset stage claims no loss');
  assert.is(formatObserved(outcomes[3]!), '42.00 %');
  assert.is(formatObserved(outcomes[6]!), 'no data');
});

test.run();
