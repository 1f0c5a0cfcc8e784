import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { boundThreads, generatorBound, generatorWarning } from '../../../src/verdicts/generator-bound.js';
import { threadIntervals } from '../../../src/run/generator-meter.js';

test('a thread over 90 % busy while the queue never filled limited the rate', () => {
  assert.ok(generatorBound({ busy: 0.97, waiting: null, queueFullWaits: 0 }));
  assert.ok(generatorBound({ busy: 0.91, waiting: 0, queueFullWaits: 0 }));
});

test('a full queue means the client and broker held the thread back, however busy it was', () => {
  assert.not.ok(generatorBound({ busy: 0.99, waiting: 0, queueFullWaits: 1 }));
});

test('at or under 90 % busy is not bound; an unknown clock never is', () => {
  assert.not.ok(generatorBound({ busy: 0.9, waiting: 0, queueFullWaits: 0 }));
  assert.not.ok(generatorBound({ busy: 0.5, waiting: 0, queueFullWaits: 0 }));
  assert.not.ok(generatorBound({ busy: null, waiting: 0.99, queueFullWaits: 0 }));
});

test('time runnable but waiting for a core counts as busy (a shared host)', () => {
  assert.ok(generatorBound({ busy: 0.55, waiting: 0.43, queueFullWaits: 0 }));
  assert.not.ok(generatorBound({ busy: 0.55, waiting: 0.2, queueFullWaits: 0 }));
});

test('bound threads of an interval, by index', () => {
  assert.equal(boundThreads([{ busy: 0.95, waiting: 0, queueFullWaits: 0 }, { busy: 0.95, waiting: 0, queueFullWaits: 3 }, { busy: 0.2, waiting: 0.75, queueFullWaits: 0 }]), [0, 2]);
});

test('the warning names each bound thread and in how many measured intervals; none when no thread was bound', () => {
  const warning = generatorWarning([{ boundThreads: [0] }, { boundThreads: [0, 1] }, { boundThreads: [] }, {}], 'native');
  assert.match(warning ?? '', /^warning: the generator limited the rate, not the broker/);
  assert.match(warning ?? '', /thread 0 in 2 of 3, thread 1 in 1 of 3 measured intervals/);
  assert.is(generatorWarning([{ boundThreads: [] }, { boundThreads: [] }], 'native'), null);
  assert.is(generatorWarning([], 'native'), null);
});

test('the null client is always its own limit: no warning', () => {
  assert.is(generatorWarning([{ boundThreads: [0] }], 'null'), null);
});

test('thread intervals: CPU and run-queue differences over the span, unknown clocks as null', () => {
  const before = { cpuUs: [1_000, -1], runQueueUs: [0, -1], queueFullWaits: [2, 0] };
  const now = { cpuUs: [951_000, -1], runQueueUs: [30_000, -1], queueFullWaits: [2, 5] };
  const [first, second] = threadIntervals(now, before, 1000);
  assert.is(first!.busy, 0.95);
  assert.is(first!.waiting, 0.03);
  assert.is(first!.queueFullWaits, 0);
  assert.is(second!.busy, null);
  assert.is(second!.waiting, null);
  assert.is(second!.queueFullWaits, 5);
});

test.run();
