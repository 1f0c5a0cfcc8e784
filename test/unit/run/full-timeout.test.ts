import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FullTimeout } from '../../../src/run/full-timeout.js';

test('fires once its whole span has passed on performance.now(), never before', async () => {
  for (const spanMs of [1, 5, 20, 37]) {
    const armedMs = performance.now();
    const firedMs = await new Promise<number>((resolve) => new FullTimeout(spanMs, () => resolve(performance.now())));
    assert.ok(firedMs - armedMs >= spanMs, `span ${spanMs} ms fired after ${(firedMs - armedMs).toFixed(3)} ms`);
  }
});

test('a wake-up before the due time (a clock ahead of the timer) re-arms for what is left', async () => {
  // A clock that reads 3 ms behind the real one at the first wake-up: the timer wakes "early".
  let skewMs = 0;
  let reads = 0;
  const clock = (): number => {
    reads++;
    return performance.now() - skewMs;
  };
  const armedMs = clock();
  const fired = new Promise<number>((resolve) => new FullTimeout(10, () => resolve(clock()), clock));
  skewMs = 3;
  const readsBefore = reads;
  const firedMs = await fired;
  assert.ok(firedMs - armedMs >= 10, `fired at ${(firedMs - armedMs).toFixed(3)} ms on its clock`);
  // One read at the first wake-up, one more after re-arming, one by the test.
  assert.ok(reads - readsBefore >= 3, `re-armed at least once (${reads - readsBefore} clock reads after arming)`);
});

test('clear stops it from firing', async () => {
  let fired = false;
  const timeout = new FullTimeout(5, () => {
    fired = true;
  });
  timeout.clear();
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.is(fired, false);
});

test('a span of zero or less fires at once', () => {
  let fired = 0;
  new FullTimeout(0, () => fired++);
  new FullTimeout(-4, () => fired++);
  assert.is(fired, 2);
});

test.run();
