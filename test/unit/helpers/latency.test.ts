import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Histogram } from 'hdr-histogram-js';
import { encodeHdr, newHdrHistogram } from '../../../src/histogram/merge.js';
import { assertLatencyWithin } from '../../helpers/latency.js';

/** A histogram of broker-like latencies: 1,000 values from 1 ms to 50 ms, times `scale`. */
function latencies(scale: number, extra: number[] = []): Histogram {
  const histogram = newHdrHistogram();
  for (let i = 0; i < 1_000; i++) histogram.recordValue(Math.round((1_000 + 49 * i) * scale));
  for (const value of extra) histogram.recordValue(value);
  return histogram;
}

const fails = (histogram: Histogram | string, wallMs: number, mentions: RegExp): void => {
  try {
    assertLatencyWithin('produce→ack', histogram, { wallMs });
  } catch (err) {
    assert.match((err as Error).message, mentions);
    return;
  }
  assert.unreachable(`accepted: ${mentions}`);
};

test('true values within the wall time pass, as a histogram or as a result\'s base64 HDR', () => {
  assertLatencyWithin('produce→ack', latencies(1), { wallMs: 1_000 });
  assertLatencyWithin('produce→ack', encodeHdr(latencies(1)), { wallMs: 1_000 });
});

test('values 1,000× the truth (µs read as ns) exceed the wall time and fail', () => {
  fails(latencies(1_000), 1_000, /longer than the 1000 ms the call took/);
});

test('values 1,000× too small (ms read as µs) fall under the floor and fail', () => {
  fails(latencies(0.001), 1_000, /below the 100 µs floor/);
});

test('a single value at 0 µs fails, and so does an empty histogram', () => {
  fails(latencies(1, [0]), 1_000, /1 of 1001 values at 0 µs/);
  fails(newHdrHistogram(), 1_000, /no values/);
});

test.run();
