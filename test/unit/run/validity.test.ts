import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { judgeValidity, type ValidityInput } from '../../../src/verdicts/validity.js';

const delay = (p99Us: number): ValidityInput['publishDelay'] => ({ count: 100, p50: 10, p95: 20, p99: p99Us, p999: p99Us, max: p99Us, mean: 12 });
const healthy: ValidityInput = { askedRecordsPerSec: 50_000, achievedRecordsPerSec: 49_800, blockedMicros: 0, publishDelay: delay(800), maxPublishDelayUs: 10_000 };

test('a fixed-rate run that kept its schedule is valid', () => {
  const verdict = judgeValidity(healthy);
  assert.is(verdict.valid, true);
  assert.is(verdict.reason, null);
  assert.is(verdict.achievedPct, 99.6);
});

test('below 99 % of the asked rate is not valid, and the shortfall is named', () => {
  const verdict = judgeValidity({ ...healthy, achievedRecordsPerSec: 35_708 });
  assert.is(verdict.valid, false);
  assert.equal(verdict.reasons, ['delivered 35,708 rec/s of 50,000 asked (71.4 %)']);
});

test('a Poisson run is measured against the rate its schedule made due, and says so', () => {
  const lucky = judgeValidity({ ...healthy, achievedRecordsPerSec: 49_000, scheduledRecordsPerSec: 49_100 });
  assert.is(lucky.valid, true, 'a schedule that made fewer records due is not a shortfall');
  assert.is(lucky.achievedPct, 99.8);
  const short = judgeValidity({ ...healthy, achievedRecordsPerSec: 45_000, scheduledRecordsPerSec: 50_500 });
  assert.equal(short.reasons, ['delivered 45,000 rec/s of 50,000 asked (89.1 % of the 50,500 rec/s its schedule made due)']);
});

test('any time blocked on a full queue is not valid, however short', () => {
  assert.equal(judgeValidity({ ...healthy, blockedMicros: 20_300_000 }).reasons, ['senders blocked 20.3 s on a full librdkafka queue']);
  assert.equal(judgeValidity({ ...healthy, blockedMicros: 450 }).reasons, ['senders blocked 450 µs on a full librdkafka queue']);
});

test('publish-delay p99 over the limit is not valid; every reason is listed', () => {
  const verdict = judgeValidity({ ...healthy, achievedRecordsPerSec: 40_000, blockedMicros: 2_500, publishDelay: delay(25_000) });
  assert.is(verdict.reasons.length, 3);
  assert.match(verdict.reason!, /delivered 40,000 rec\/s of 50,000 asked \(80\.0 %\); senders blocked 2\.5 ms on a full librdkafka queue; the generator fell behind its schedule at 50,000 rec\/s: publish-delay p99 25\.0 ms > 10\.0 ms/);
});

test('as fast as possible has no schedule to keep: always valid', () => {
  const verdict = judgeValidity({ askedRecordsPerSec: undefined, achievedRecordsPerSec: 1, blockedMicros: 5e6, publishDelay: null, maxPublishDelayUs: 0 });
  assert.is(verdict.valid, true);
  assert.is(verdict.askedRecordsPerSec, null);
});

test.run();
