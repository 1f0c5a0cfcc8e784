import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { usToMs } from '../../../src/fmt.js';

test('usToMs: three decimals under 10 ms, fewer above', () => {
  assert.is(usToMs(1), '0.001');
  assert.is(usToMs(4_120), '4.120');
  assert.is(usToMs(71_500), '71.50');
  assert.is(usToMs(719_359), '719.4');
  assert.is(usToMs(12_345_678), '12346');
});

test('usToMs: a latency under the histogram\'s 1 µs resolution is shown as below it, never as 0.000', () => {
  assert.is(usToMs(0), '<0.001');
  assert.is(usToMs(0.4), '<0.001');
});

test.run();
