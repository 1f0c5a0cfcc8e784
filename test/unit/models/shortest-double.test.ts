import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeShortestPositive } from '../../../src/models/shortest-double.js';

const target = Buffer.alloc(64);

/** The fast path's text, or null where it declines (the caller prints the engine's string then). */
const fast = (x: number): string | null => {
  const end = writeShortestPositive(x, target, 0);
  return end < 0 ? null : target.toString('latin1', 0, end);
};

test("every double it writes is '' + x: random mantissas over each decade, products like a daily curve's, and edges", () => {
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  let state = 12345;
  const next32 = (): number => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0), state);
  let written = 0;
  const check = (x: number): void => {
    const text = fast(x);
    if (text === null) return;
    written++;
    if (text !== '' + x) assert.is(text, '' + x, `bits ${words[1]!.toString(16)} ${words[0]!.toString(16)}`);
  };
  for (let i = 0; i < 400_000; i++) {
    // a random double in [1e-7, 1e16): random exponent, random mantissa bits
    bits[0] = 10 ** (Math.floor((next32() / 2 ** 32) * 23) - 7);
    words[0] = next32();
    words[1] = (words[1]! & 0xfff00000) | (next32() & 0x000fffff);
    check(bits[0]!);
    check((next32() / 2 ** 32) * [0.2, 0.3, 0.8, 0.9][i & 3]!);
    check(Math.round((next32() / 2 ** 32) * 1e6) / 10 ** (i % 9));
  }
  for (const x of [1e-6, 1e-6 * 1.0000000000000002, 0.1, 0.3, 1 / 3, 5e-324, 1, 9.999999999999999e14, 1e15, 2 ** 50, 2 ** -20, 123456789012345.6, 0.000001234, 9007199254740993 / 1e16]) check(x);
  assert.ok(written > 1_000_000, `most doubles take the fast path (${written})`);
});

test('declines outside [1e-6, 1e15) and for what is not a positive finite number', () => {
  for (const x of [0, 9.9e-7, 1e15, 1e21, Infinity, NaN, -1]) assert.is(fast(x), null, String(x));
});

test.run();
