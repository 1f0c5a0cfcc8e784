import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { prng } from '../../helpers/random.js';
import { toHdrHistogram, summarize } from '../../../src/histogram/merge.js';
import { loadTestingNative } from '../../helpers/native-testing.js';
import * as layout from '../../../src/shared/layout.js';
import { readRegion, RegionWriter } from '../../../src/shared/region.js';

const native = loadTestingNative();
const { kCountsLength, kHighestTrackableUs, kRegionBytes, kRegionSlots, regionBytesFor } = layout;


/** Region 0 written by the addon, region 1 by the TS RegionWriter, from the same latencies. */
function recordBoth(latenciesUs: number[]): { native: ReturnType<typeof readRegion>; reference: ReturnType<typeof readRegion> } {
  const regions = new SharedArrayBuffer(regionBytesFor(2));
  native.recordLatenciesForTest(new Float64Array(regions, 0, kRegionSlots), Float64Array.from(latenciesUs));
  const writer = new RegionWriter(regions, 1);
  for (const latencyUs of latenciesUs) writer.recordLatencyUs(latencyUs);
  return { native: readRegion(regions, 0), reference: readRegion(regions, 1) };
}

test('the native layout is layout.ts', () => {
  assert.equal(native.layoutForTest(), {
    highestTrackableUs: kHighestTrackableUs,
    countsLength: kCountsLength,
    headerSlots: layout.kHeaderSlots,
    regionSlots: kRegionSlots,
    ackedSlot: layout.kAckedSlot,
    failedSlot: layout.kFailedSlot,
    ackedBytesSlot: layout.kAckedBytesSlot,
    clampedSlot: layout.kClampedSlot,
    backpressureSlot: layout.kBackpressureSlot,
    negativeCountSlot: layout.kNegativeCountSlot,
    negativeSumUsSlot: layout.kNegativeSumUsSlot,
    blockedMicrosSlot: layout.kBlockedMicrosSlot,
  });
});

test('random latencies over the whole range: identical counts arrays and percentiles', () => {
  const random = prng(2024);
  const latencies: number[] = [];
  for (let i = 0; i < 200_000; i++) {
    const exponent = random() * Math.log10(kHighestTrackableUs);
    // Fractional values too: the delivery path records ns / 1000.
    latencies.push(i % 2 === 0 ? Math.floor(10 ** exponent) : 10 ** exponent);
  }
  const { native: fromNative, reference } = recordBoth(latencies);
  assert.equal(Array.from(fromNative.counts), Array.from(reference.counts));
  const a = toHdrHistogram(fromNative.counts);
  const b = toHdrHistogram(reference.counts);
  assert.is(a.totalCount, 200_000);
  for (const percentile of [50, 90, 99, 99.9, 100]) {
    assert.is(a.getValueAtPercentile(percentile), b.getValueAtPercentile(percentile), `p${percentile}`);
  }
  assert.equal(summarize(a), summarize(b));
});

test('every bucket boundary and the value just below it land where the TS writer puts them', () => {
  const values: number[] = [0, 1, 2047, 2048, 2049, 4095, 4096];
  for (let power = 11; power <= 31; power++) values.push(2 ** power - 1, 2 ** power, 2 ** power + 1, 1.5 * 2 ** power);
  const { native: fromNative, reference } = recordBoth(values);
  assert.equal(Array.from(fromNative.counts), Array.from(reference.counts));
});

test('the 2^32 seam and beyond: clamped to an hour and counted, as RegionWriter does', () => {
  const values = [kHighestTrackableUs - 1, kHighestTrackableUs, kHighestTrackableUs + 0.5, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 40, 2 ** 53];
  const { native: fromNative, reference } = recordBoth(values);
  assert.is(fromNative.counters.clampedLatencies, 6);
  assert.is(fromNative.counters.clampedLatencies, reference.counters.clampedLatencies);
  assert.equal(Array.from(fromNative.counts), Array.from(reference.counts));
  assert.is(toHdrHistogram(fromNative.counts).totalCount, values.length);
});

test('negative latencies are counted beside the histogram, never as 0 µs, as RegionWriter does', () => {
  const { native: fromNative, reference } = recordBoth([-4, -0.2, 0, 0.4, 0.5, 1.5]);
  assert.equal(Array.from(fromNative.counts), Array.from(reference.counts));
  assert.is(fromNative.counts[0], 2); // 0 and 0.4; the negatives are not in the histogram
  assert.is(fromNative.counters.negativeLatencies, 2);
  assert.is(fromNative.counters.negativeSumUs, 4.2);
  assert.equal(fromNative.counters, reference.counters);
  assert.is(fromNative.counters.clampedLatencies, 0);
});

test('the addon writes only its own region and its own slots', () => {
  const regions = new SharedArrayBuffer(regionBytesFor(3));
  const all = new Float64Array(regions);
  all.fill(-1);
  const middle = new Float64Array(regions, kRegionBytes, kRegionSlots);
  middle.fill(0);
  native.recordLatenciesForTest(middle, Float64Array.from([5, 5e9]));
  assert.ok(all.subarray(0, kRegionSlots).every((slot) => slot === -1), 'region before untouched');
  assert.ok(all.subarray(2 * kRegionSlots).every((slot) => slot === -1), 'region after untouched');
  const snapshot = readRegion(regions, 1);
  assert.equal(snapshot.counters, { sent: 0, acked: 0, failed: 0, ackedBytes: 0, backpressureWaits: 0, clampedLatencies: 1, sendMicros: 0, negativeLatencies: 0, negativeSumUs: 0, blockedMicros: 0, done: false });
});

test('a region view of the wrong size is refused with InvalidArg', () => {
  for (const view of [new Float64Array(10), new Float64Array(new SharedArrayBuffer(regionBytesFor(2)))]) {
    try {
      native.recordLatenciesForTest(view, new Float64Array([1]));
      assert.unreachable();
    } catch (err) {
      assert.is((err as { code?: string }).code, 'InvalidArg');
      assert.match((err as Error).message, new RegExp(`exactly one worker region \\(${kRegionSlots} slots\\)`));
    }
  }
});

test.run();
