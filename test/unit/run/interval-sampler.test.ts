import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IntervalSampler, mbPerSecond, perSecond } from '../../../src/run/interval-sampler.js';

test('each row covers the time since the previous one, and is kept and handed on in order', () => {
  const handed: number[] = [];
  let previousTotal = 0;
  const sampler = new IntervalSampler<{ spanMs: number; elapsedMs: number; perSec: number }, number>(
    1_000,
    ({ spanMs, elapsedMs }, total) => {
      const row = { spanMs, elapsedMs, perSec: perSecond(total - previousTotal, spanMs) };
      previousTotal = total;
      return row;
    },
    (row) => handed.push(row.elapsedMs),
  );
  assert.is(sampler.lastTickMs, 1_000, 'before any tick, the start');
  sampler.tick(2_000, 500);
  sampler.tick(2_500, 1_000);
  assert.equal(sampler.rows, [
    { spanMs: 1_000, elapsedMs: 1_000, perSec: 500 },
    { spanMs: 500, elapsedMs: 1_500, perSec: 1_000 },
  ]);
  assert.equal(handed, [1_000, 1_500]);
  assert.is(sampler.lastTickMs, 2_500);
});

test('a timer ticks at its interval, reads its input each time, and runs `after` once the row is out', async () => {
  const order: string[] = [];
  let reads = 0;
  const sampler = new IntervalSampler<number, number>(performance.now(), (_span, input) => input, () => order.push('row'));
  const startedAtMs = performance.now();
  sampler.start(20, () => ++reads, () => order.push('after'));
  // Bounded: a loaded host may wake timers late, so wait for two ticks (at most 2 s) rather than a fixed time.
  while (sampler.rows.length < 2 && performance.now() - startedAtMs < 2_000) await new Promise((resolve) => setTimeout(resolve, 5));
  sampler.stop();
  const ticks = sampler.rows.length;
  const elapsedMs = performance.now() - startedAtMs;
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.ok(ticks >= 2 && ticks <= Math.floor(elapsedMs / 20), `${ticks} ticks in ${elapsedMs.toFixed(0)} ms at 20 ms`);
  assert.is(sampler.rows.length, ticks, 'no tick after stop');
  assert.equal(sampler.rows, Array.from({ length: ticks }, (_, i) => i + 1), 'the input read at each tick');
  assert.equal(order, Array.from({ length: ticks }, () => ['row', 'after']).flat());
});

test('rates: a span under 1 ms counts as 1 ms; MB are 10^6 bytes', () => {
  assert.is(perSecond(5, 0), 5_000);
  assert.is(perSecond(3, 2_000), 1.5);
  assert.is(mbPerSecond(2_500_000, 1_000), 2.5);
  assert.is(mbPerSecond(1, 3_000), 0);
});

test.run();
