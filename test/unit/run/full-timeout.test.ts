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
  // A clock that reads exactly 3 ms before the due time at the first wake-up, however late the
  // timer woke (a loaded host wakes it late; a clock set by real time alone then read past the
  // due time and never re-armed). After that it runs on with real time from there.
  const startedMs = performance.now();
  let offsetMs = 0;
  let reads = 0;
  const clock = (): number => {
    reads++;
    if (reads === 2) offsetMs = 7 - (performance.now() - startedMs);
    return performance.now() - startedMs + offsetMs;
  };
  let firedAtRead = 0;
  const firedMs = await new Promise<number>((resolve) =>
    new FullTimeout(10, () => {
      firedAtRead = reads;
      resolve(clock());
    }, clock),
  );
  assert.ok(firedMs >= 10, `fired at ${firedMs.toFixed(3)} ms on its clock, due at 10`);
  // Read 1 arms, read 2 is the early wake-up (7 ms), at least one more finds the due time passed.
  assert.ok(firedAtRead >= 3, `re-armed at least once (fired after ${firedAtRead} clock reads)`);
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
