import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StampedeError } from '../../../src/errors.js';
import { parsePercentile, parseThreshold, parseThresholdList } from '../../../src/options/thresholds.js';
import { renderThresholds } from '../../../src/report/thresholds.js';
import { evaluateThresholds } from '../../../src/verdicts/thresholds.js';
import { decodeHdr } from '../../../src/histogram/latency-kinds.js';
import { fakeRunResult } from '../../helpers/fake-result.js';

test('percentile shorthands', () => {
  assert.is(parsePercentile('p99'), 99);
  assert.is(parsePercentile('p999'), 99.9);
  assert.is(parsePercentile('p9999'), 99.99);
  assert.is(parsePercentile('p(99.9)'), 99.9);
  assert.is(parsePercentile('p99.5'), 99.5);
  assert.is(parsePercentile('p50'), 50);
  assert.is(parsePercentile('p100'), 100);
  assert.is(parsePercentile('max'), null);
});

test('parses metric, longest operator first, and units (a bare latency is ms)', () => {
  assert.equal(parseThreshold('--threshold', 'p99<50ms'), { source: 'p99<50ms', metric: { type: 'latency', kind: 'produceAck', stat: 'percentile', percentile: 99 }, op: '<', limit: 50_000 });
  assert.equal(parseThreshold('--threshold', 'e2e.p999 <= 0.2s').metric, { type: 'latency', kind: 'endToEnd', stat: 'percentile', percentile: 99.9 });
  assert.is(parseThreshold('--threshold', 'e2e.p999 <= 0.2s').limit, 200_000);
  assert.is(parseThreshold('--threshold', 'p99<50').limit, 50_000);
  assert.is(parseThreshold('--threshold', 'delay.max<800us').limit, 800);
  assert.is(parseThreshold('--threshold', 'rate>=400000').op, '>=');
  assert.is(parseThreshold('--threshold', 'rate>=400_000').limit, 400_000);
  assert.is(parseThreshold('--threshold', 'lost==0').op, '==');
  assert.is(parseThreshold('--threshold', 'balance>90%').limit, 90);
  assert.is(parseThresholdList('t.yaml: threshold', ['p99<1s', 'lost==0']).length, 2);
});

for (const bad of ['p99<<50ms', 'p99', 'p98.7.1<3', 'latency<5ms', 'rate>=fast', 'rate>=5ms', 'p99<5%', '<5', '']) {
  test(`rejects ${JSON.stringify(bad)} naming it`, () => {
    try {
      parseThreshold('--threshold', bad);
      assert.unreachable('should throw');
    } catch (err) {
      assert.instance(err, StampedeError);
      assert.is((err as StampedeError).exitCode, 2);
      assert.match((err as Error).message, `--threshold ${JSON.stringify(bad)} is not a threshold`);
    }
  });
}

test('evaluates against a result: pass, fail, and "no data" fails', () => {
  const run = fakeRunResult();
  const p99 = run.latency.produceAck.p99;
  const outcomes = evaluateThresholds(run, parseThresholdList('--threshold', [`p99<${(p99 + 1) / 1000}ms`, `p99<${p99}us`, 'rate>=400000', 'rate>400000', 'e2e.p99<1s', 'errors==0', 'p(99.99)<10s']));
  assert.equal(outcomes.map((o) => o.pass), [true, false, true, false, false, true, true]);
  assert.is(outcomes[0]!.observed, p99);
  assert.is(outcomes[4]!.observed, null);
  assert.is(outcomes[6]!.observed, decodeHdr(run.latency.produceAck.hdr).getValueAtPercentile(99.99));
  const text = renderThresholds(outcomes);
  assert.match(text, /✓ p99</);
  assert.match(text, /✗ rate>400000\s+rate = 400,000 records\/s/);
  assert.match(text, /✗ e2e\.p99<1s\s+end to end p99 = no data/);
  assert.match(text, /3 of 7 failed/);
});

test.run();
