import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { diffResults, parseFailAbove, renderDiff } from '../../../src/report/diff.js';
import { classifyResult } from '../../../src/report/inputs.js';
import { fakeBenchMaxResult, fakeCompareResult, fakeRunResult } from '../../helpers/fake-result.js';

const input = (doc: unknown, file = 'x.json') => classifyResult(file, JSON.parse(JSON.stringify(doc)));

test('a result against itself: every metric 0 %, no regression', () => {
  const run = fakeRunResult({ e2e: true });
  const diff = diffResults(input(run), input(run), 10);
  assert.is(diff.regressions, 0);
  assert.ok(diff.metrics.some((m) => m.metric === 'end to end p99'));
  assert.ok(diff.metrics.every((m) => m.changePct === 0 || m.changePct === null));
  assert.not.ok(diff.metrics.some((m) => m.metric.startsWith('publish delay')), 'metrics absent on both sides are left out');
});

test('rate −20 % fails at 10 %, passes at 25 %; latency up fails', () => {
  const run = fakeRunResult();
  const slower = JSON.parse(JSON.stringify(run));
  slower.totals.recordsPerSec = run.totals.recordsPerSec * 0.8;
  const diff = diffResults(input(run), input(slower), 10);
  assert.is(diff.regressions, 1);
  const rate = diff.metrics.find((m) => m.metric === 'records/s')!;
  assert.is(rate.changePct, -20);
  assert.is(rate.pass, false);
  assert.match(renderDiff(diff), /records\/s\s+400,000\s+320,000\s+-20\.0 %\s+✗/);
  assert.is(diffResults(input(run), input(slower), 25).regressions, 0);
  const faster = JSON.parse(JSON.stringify(run));
  faster.totals.recordsPerSec *= 1.5; // better is never a regression
  assert.is(diffResults(input(run), input(faster), 10).regressions, 0);
  const laggier = JSON.parse(JSON.stringify(run));
  laggier.latency.produceAck.p99 *= 1.2;
  assert.equal(diffResults(input(run), input(laggier), 10).metrics.filter((m) => !m.pass).map((m) => m.metric), ['produce→ack p99']);
});

test('compare and bench-max results diff per mode and per tool; kinds must match', () => {
  const compare = fakeCompareResult();
  assert.ok(diffResults(input(compare), input(compare), 10).metrics.some((m) => m.metric === 'broker · records/s'));
  const bench = diffResults(input(fakeBenchMaxResult()), input(fakeBenchMaxResult(0.7)), 10);
  assert.ok(bench.metrics.find((m) => m.metric === 'stampede native ×1 records/s')!.pass === false);
  assert.throws(() => diffResults(input(compare), input(fakeRunResult()), 10), /cannot diff a compare result/);
});

test('a change from zero is a change: a percentile from <0.001 ms to 0.588 ms fails; within the noise floor, or a rate up from 0, passes', () => {
  const run = fakeRunResult();
  const fromZero = JSON.parse(JSON.stringify(run));
  fromZero.latency.produceAck.p50 = 0;
  const now = JSON.parse(JSON.stringify(run));
  now.latency.produceAck.p50 = 588;
  const diff = diffResults(input(fromZero), input(now), 10);
  const p50 = diff.metrics.find((m) => m.metric === 'produce→ack p50')!;
  assert.is(p50.pass, false, 'a latency up from zero is a regression');
  assert.is(p50.changePct, null, 'no percentage of zero');
  assert.is(diff.regressions, 1);
  assert.match(renderDiff(diff), /produce→ack p50 \(ms\)\s+<0\.001\s+0\.588\s+from 0\s+✗/);
  const noise = JSON.parse(JSON.stringify(run));
  noise.latency.produceAck.p50 = 5;
  assert.is(diffResults(input(fromZero), input(noise), 10).regressions, 0, 'under the 10 µs floor it passes, as any latency move does');
  const stalled = JSON.parse(JSON.stringify(run));
  stalled.totals.recordsPerSec = 0;
  assert.is(diffResults(input(stalled), input(run), 10).regressions, 0, 'records/s up from 0 is better, not worse');
  assert.is(diffResults(input(run), input(stalled), 10).metrics.find((m) => m.metric === 'records/s')!.pass, false, 'and down to 0 is −100 %');
});

test('observed stages diff by name: latency, rate, integrity and processor lag per stage; a loss from 0 fails', () => {
  const run = fakeRunResult({ stages: true });
  const same = diffResults(input(run), input(run), 10);
  assert.is(same.regressions, 0);
  const names = same.metrics.map((m) => m.metric);
  for (const name of ['stage enriched records/s', 'stage enriched p99', 'stage enriched lost', 'stage enriched duplicates', 'stage enriched processor lag max', 'stage alerts p99.9']) assert.ok(names.includes(name), name);
  assert.not.ok(names.includes('stage alerts lost'), 'an aggregate has no loss on either side');
  const worse = JSON.parse(JSON.stringify(run));
  const enriched = worse.stages[0];
  enriched.latency.p99 *= 1.5;
  enriched.integrity.lost = 3;
  enriched.processorLag.maxRecords *= 2;
  worse.stages.reverse(); // matched by name, not position
  const diff = diffResults(input(run), input(worse), 10);
  assert.equal(diff.metrics.filter((m) => !m.pass).map((m) => m.metric), ['stage enriched p99', 'stage enriched lost', 'stage enriched processor lag max']);
  assert.match(renderDiff(diff), /stage enriched lost\s+0\s+3\s+from 0\s+✗/);
});

test('--fail-above accepts 10%, 10 % and 10', () => {
  assert.is(parseFailAbove('10%'), 10);
  assert.is(parseFailAbove('2.5 %'), 2.5);
  assert.is(parseFailAbove('10'), 10);
  assert.throws(() => parseFailAbove('ten'), /--fail-above must be a percentage/);
});

test.run();
