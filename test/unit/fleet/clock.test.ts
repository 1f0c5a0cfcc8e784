import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { estimateOffset, skewBoundUs } from '../../../src/fleet/clock.js';

test('the best round trip gives the offset and half of it the bound', () => {
  // Agent clock 5 ms ahead. Sample 2 has the shortest round trip (200 µs), split unevenly (150/50).
  const clock = estimateOffset([
    { t0Us: 0, agentUs: 5_000 + 900, t3Us: 2_000 },
    { t0Us: 10_000, agentUs: 10_000 + 150 + 5_000, t3Us: 10_200 },
    { t0Us: 20_000, agentUs: 20_000 + 400 + 5_000, t3Us: 20_500 },
  ]);
  assert.is(clock.bestRoundTripUs, 200);
  assert.is(clock.uncertaintyUs, 100);
  assert.is(clock.offsetUs, 5_050);
  assert.ok(Math.abs(clock.offsetUs - 5_000) <= clock.uncertaintyUs, 'the true offset lies within the bound');
  assert.is(clock.samples, 3);
});

test('the fleet bound is the worst |offset| + uncertainty', () => {
  assert.is(skewBoundUs([{ offsetUs: -300, uncertaintyUs: 100, bestRoundTripUs: 200, samples: 1 }, { offsetUs: 50, uncertaintyUs: 20, bestRoundTripUs: 40, samples: 1 }]), 400);
  assert.is(skewBoundUs([]), 0);
});

test.run();
