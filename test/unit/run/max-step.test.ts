import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { judgeValidity } from '../../../src/verdicts/validity.js';
import { judgeStep } from '../../../src/experiments/max-step.js';
import { parseThreshold } from '../../../src/options/thresholds.js';
import { describeSlo, renderConfirmation, renderMaxAnswer, renderStep } from '../../../src/report/max.js';
import { confirmationOf } from '../../../src/experiments/max-confirm.js';
import type { MaxResult } from '../../../src/experiments/max-rate.js';
import type { RunResult } from '../../../src/contracts/result.js';
import { fakeRunResult } from '../../helpers/fake-result.js';

const slo = (text: string) => parseThreshold('--slo', text);
const delay = (p99Us: number): NonNullable<RunResult['latency']['publishDelay']> => ({ count: 1000, p50: 50, p95: 100, p99: p99Us, p999: p99Us, max: p99Us, mean: 60, unit: 'us', negative: { count: 0, meanUs: 0 }, hdr: '' });

/** A fixed-rate step's result: achieved at `achieved`, publish delay p99 as given, latency around 2 ms (p99 ~25 ms). */
function stepResult(asked: number, achieved: number, publishDelayP99Us = 500): RunResult {
  const result = fakeRunResult({ recordsPerSec: achieved, medianUs: 2_000 });
  result.latency.publishDelay = delay(publishDelayP99Us);
  result.validity = judgeValidity({ askedRecordsPerSec: asked, achievedRecordsPerSec: achieved, blockedMicros: 0, publishDelay: result.latency.publishDelay, maxPublishDelayUs: 10_000 });
  result.status = result.validity.valid ? 'ok' : 'not-valid';
  return result;
}

test('a step that meets the SLO, keeps its schedule and delivers what was asked passes', () => {
  const step = judgeStep(stepResult(100_000, 99_950), 100_000, [slo('p99<1s')]);
  assert.is(step.pass, true, step.reasons.join('; '));
  assert.equal(step.reasons, []);
  assert.is(step.achievedPct, 100);
  assert.is(step.publishDelayP99Us, 500);
  assert.ok(step.produceAckP99Us! > 2_000);
});

test('a missed SLO fails the step, with the observed value', () => {
  const step = judgeStep(stepResult(100_000, 100_000), 100_000, [slo('p99<1ms')]);
  assert.is(step.pass, false);
  assert.match(step.reasons[0]!, /^p99<1ms missed: \d+\.\d+ ms$/);
});

test('a publish delay over the limit fails the step though the SLO holds', () => {
  const step = judgeStep(stepResult(100_000, 100_000, 25_000), 100_000, [slo('p99<1s')]);
  assert.is(step.pass, false);
  assert.match(step.reasons.join('; '), /publish-delay p99 25\.0 ms > 10\.0 ms/);
});

test('under 99 % of the asked rate fails the step, and the shortfall is named once', () => {
  const step = judgeStep(stepResult(100_000, 97_000), 100_000, [slo('p99<1s')]);
  assert.is(step.pass, false);
  assert.equal(step.reasons, ['delivered 97,000 rec/s of 100,000 asked (97.0 %)']);
});

test('an SLO on a metric the step did not measure fails as no data, not silently', () => {
  const step = judgeStep(stepResult(100_000, 100_000), 100_000, [slo('e2e.p99<1s')]);
  assert.is(step.pass, false);
  assert.match(step.reasons[0]!, /e2e\.p99<1s missed: no data \(the step did not measure it\)/);
});

test('the printed step and answer', () => {
  const step = judgeStep(stepResult(412_000, 411_500), 412_000, [slo('p99<50ms')]);
  const line = renderStep({ index: 4, askedRecordsPerSec: 412_000, verdict: step });
  assert.match(line, /^asked 412,000 rec\/s  achieved 411,500 \(99\.9 %\)  p99 \d+\.\d+ ms  publish-delay p99 500 µs  ✓ pass$/);
  assert.is(describeSlo(slo('p99<=50ms')), 'produce→ack p99 ≤ 50.0 ms');
  assert.is(describeSlo(slo('e2e.p999<0.2s')), 'end to end p99.9 < 200.0 ms');
  const base = fakeRunResult();
  const result: MaxResult = {
    schemaVersion: 1, kind: 'max', tool: base.tool, status: 'ok', startedAt: base.startedAt, finishedAt: base.finishedAt, slo: ['p99<50ms'],
    settings: { floorRecordsPerSec: 1_000, floorFrom: 'flag', stepDurationMs: 10_000, stepWarmupMs: 2_000, settleAfterMaxMs: 10_000, settleAfterFailedStepMs: 2_000, maxSteps: 10, precisionPct: 5 },
    workload: base.workload, librdkafka: { 'bootstrap.servers': '127.0.0.1:9092', 'linger.ms': '100', 'sasl.password': 'hunter2-secret' }, topic: base.topic, host: base.host, runtime: base.runtime,
    maxThroughput: { recordsPerSec: 520_000, produceAckP99Us: 150_000, measuredMs: 10_000, startedAt: base.startedAt },
    steps: [step], answer: { recordsPerSec: 412_000, failedAtRecordsPerSec: 430_000, bracketPct: 4.2, stoppedBecause: 'precision' }, confirmation: null, failures: [], notices: [],
  };
  const text = renderMaxAnswer(result, [slo('p99<=50ms')]).join('\n');
  assert.match(text, /^max sustainable rate 412,000 rec\/s at produce→ack p99 ≤ 50\.0 ms, with these settings:/);
  assert.match(text, /linger\.ms=100/);
  assert.not.match(text, /hunter2/, 'secrets redacted');
  assert.match(text, /passed at 412,000 rec\/s, failed at 430,000 rec\/s; bracket 4\.2 % ≤ 5 %/);
  const cut = renderMaxAnswer({ ...result, status: 'interrupted', answer: { ...result.answer, stoppedBecause: 'interrupted' } }, [slo('p99<=50ms')]);
  assert.match(cut[0]!, /^interrupted before the search ended; the highest rate passed so far is 412,000 rec\/s at produce→ack p99 ≤ 50\.0 ms \(a lower bound\)/);
  const none = renderMaxAnswer({ ...result, status: 'no-answer', answer: { recordsPerSec: null, failedAtRecordsPerSec: 1_000, bracketPct: null, stoppedBecause: 'floor-failed' }, steps: [judgeStep(stepResult(1_000, 1_000), 1_000, [slo('p99<1us')])] }, [slo('p99<1us')]);
  assert.match(none.join('\n'), /^no sustainable rate: even the floor, 1,000 rec\/s, fails \(p99<1us missed: .*\); loosen --slo or lower --floor$/);
});

test('the confirming run: its hosts and merged figures when it met the SLO; the reasons and a not-confirmed answer when it did not', () => {
  const run = stepResult(412_000, 411_500);
  const twoHosts = { name: 'loadgen-1', totals: { acked: 2_000_000 } };
  run.hosts = [twoHosts, { ...twoHosts, name: 'loadgen-2' }] as unknown as NonNullable<RunResult['hosts']>;
  const met = confirmationOf(run, judgeStep(run, 412_000, [slo('p99<50ms')]));
  assert.equal([met.met, met.recordsPerSec, met.hosts], [true, 412_000, [{ name: 'loadgen-1', acked: 2_000_000 }, { name: 'loadgen-2', acked: 2_000_000 }]]);
  assert.match(renderConfirmation(met), /^✓ confirmed at 412,000 rec\/s on 2 hosts \(loadgen-1, loadgen-2\), merged: achieved 411,500 \(99\.9 %\)  p99 [\d.]+ ms  publish-delay p99 500 µs$/);
  const short = stepResult(412_000, 400_000);
  const missed = confirmationOf(short, judgeStep(short, 412_000, [slo('p99<50ms')]));
  assert.equal([missed.met, missed.hosts], [false, []]);
  assert.match(renderConfirmation(missed), /^✗ not confirmed at 412,000 rec\/s: achieved 400,000 \(97\.1 %\) .*; delivered 400,000 rec\/s of 412,000/);
  const base = fakeRunResult();
  const result = {
    schemaVersion: 1, kind: 'max', tool: base.tool, status: 'not-confirmed', startedAt: base.startedAt, finishedAt: base.finishedAt, slo: ['p99<50ms'],
    settings: { floorRecordsPerSec: 1_000, floorFrom: 'flag', stepDurationMs: 10_000, stepWarmupMs: 2_000, settleAfterMaxMs: 10_000, settleAfterFailedStepMs: 2_000, maxSteps: 10, precisionPct: 5, method: 'bisect' },
    workload: base.workload, librdkafka: {}, topic: base.topic, host: base.host, runtime: base.runtime,
    maxThroughput: { recordsPerSec: 520_000, produceAckP99Us: 150_000, measuredMs: 10_000, startedAt: base.startedAt },
    steps: [], answer: { recordsPerSec: 412_000, failedAtRecordsPerSec: 430_000, bracketPct: 4.2, stoppedBecause: 'precision' }, confirmation: missed, failures: [], notices: [],
  } satisfies MaxResult;
  const text = renderMaxAnswer(result, [slo('p99<50ms')]);
  assert.match(text[0]!, /^not confirmed: a step passed at 412,000 rec\/s at produce→ack p99 < 50\.0 ms but the fixed-rate run that repeated it did not/);
  assert.match(text[text.length - 1]!, /^  ✗ not confirmed at 412,000 rec\/s/);
});

test.run();
