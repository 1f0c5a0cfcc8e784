import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { prng } from '../../helpers/random.js';
import { countsIndexOf, lowestValueAtIndex } from '../../../src/shared/buckets.js';
import { diffSnapshots, mergeSnapshots, negativeValues, newHdrHistogram, summarize, toHdrHistogram, encodeHdr } from '../../../src/histogram/merge.js';
import * as hdr from 'hdr-histogram-js';
import { kCountsLength, kHighestTrackableUs, regionBytesFor } from '../../../src/shared/layout.js';
import { readRegion, RegionWriter } from '../../../src/shared/region.js';


/** Latency-like values over the whole range: mostly µs–ms, a long tail to an hour. */
function latencyUs(random: () => number): number {
  const exponent = random() * Math.log10(kHighestTrackableUs);
  return Math.floor(10 ** exponent);
}

test('bucket index matches HdrHistogram: every bucket boundary maps back to itself', () => {
  for (let index = 0; index < kCountsLength; index += 7) {
    assert.is(countsIndexOf(lowestValueAtIndex(index)), index, `index ${index}`);
  }
  assert.ok(countsIndexOf(kHighestTrackableUs) < kCountsLength, 'the highest trackable value fits');
  // Above 2^32 the index uses the high word: check the seam on both sides.
  assert.is(countsIndexOf(2 ** 32) - countsIndexOf(2 ** 32 - 1), 1);
});

test('merging shared regions equals recording every value into one hdr-histogram-js histogram', () => {
  const workers = 5;
  const regions = new SharedArrayBuffer(regionBytesFor(workers));
  const reference = newHdrHistogram();
  const random = prng(42);
  for (let worker = 0; worker < workers; worker++) {
    const writer = new RegionWriter(regions, worker);
    const values = 20_000 + worker * 3_000;
    for (let i = 0; i < values; i++) {
      const value = latencyUs(random);
      writer.recordLatencyUs(value);
      reference.recordValue(value);
    }
  }
  const merged = toHdrHistogram(mergeSnapshots([0, 1, 2, 3, 4].map((worker) => readRegion(regions, worker))).counts);
  assert.is(merged.totalCount, reference.totalCount);
  for (const percentile of [1, 10, 50, 90, 95, 99, 99.9, 99.99, 100]) {
    assert.is(merged.getValueAtPercentile(percentile), reference.getValueAtPercentile(percentile), `p${percentile}`);
  }
  // Max and mean as HdrHistogram reports them: from bucket-equivalent values, identical both ways.
  assert.is(summarize(merged).max, summarize(reference).max);
  assert.ok(Math.abs(merged.mean - reference.mean) < 1e-6 * reference.mean, 'mean');
});

test('recording with a count equals recording one by one', () => {
  const regions = new SharedArrayBuffer(regionBytesFor(1));
  const writer = new RegionWriter(regions, 0);
  writer.recordLatencyUs(1234.4, 1000);
  const summary = summarize(toHdrHistogram(readRegion(regions, 0).counts));
  assert.is(summary.count, 1000);
  assert.is(summary.p50, 1234);
});

test('interval snapshots add up to the total', () => {
  const regions = new SharedArrayBuffer(regionBytesFor(2));
  const writers = [new RegionWriter(regions, 0), new RegionWriter(regions, 1)];
  const random = prng(7);
  const read = () => mergeSnapshots([readRegion(regions, 0), readRegion(regions, 1)]);
  let previous = read();
  const intervalSum = new Float64Array(kCountsLength);
  let ackedSum = 0;
  for (let interval = 0; interval < 6; interval++) {
    for (let i = 0; i < 5_000; i++) {
      const writer = writers[i % 2]!;
      writer.recordLatencyUs(latencyUs(random));
      writer.addAcked(1, 100);
    }
    const current = read();
    const delta = diffSnapshots(current, previous);
    for (let i = 0; i < kCountsLength; i++) intervalSum[i]! += delta.counts[i]!;
    ackedSum += delta.counters.acked;
    assert.is(delta.counters.acked, 5_000);
    assert.is(toHdrHistogram(delta.counts).totalCount, 5_000);
    previous = current;
  }
  const total = read();
  assert.equal(Array.from(intervalSum), Array.from(total.counts));
  assert.is(ackedSum, total.counters.acked);
});

test('values beyond an hour are clamped and counted, never dropped', () => {
  const regions = new SharedArrayBuffer(regionBytesFor(1));
  const writer = new RegionWriter(regions, 0);
  writer.recordLatencyUs(kHighestTrackableUs * 5, 3);
  writer.recordLatencyUs(0);
  const snapshot = readRegion(regions, 0);
  assert.is(snapshot.counters.clampedLatencies, 3);
  assert.is(toHdrHistogram(snapshot.counts).totalCount, 4);
});

test('values below zero are counted beside the histogram, never folded into 0, and merge and diff exactly', () => {
  const regions = new SharedArrayBuffer(regionBytesFor(2));
  const first = new RegionWriter(regions, 0);
  const second = new RegionWriter(regions, 1);
  first.recordLatencyUs(-4);
  first.recordLatencyUs(-0.5, 2);
  first.recordLatencyUs(10);
  const before = mergeSnapshots([readRegion(regions, 0), readRegion(regions, 1)]);
  second.recordLatencyUs(-7);
  const after = mergeSnapshots([readRegion(regions, 0), readRegion(regions, 1)]);
  assert.is(toHdrHistogram(after.counts).totalCount, 1, 'only the 10 µs value is in the histogram');
  assert.is(after.counts[0], 0, 'nothing was recorded as 0 µs');
  assert.equal(negativeValues(after.counters), { count: 4, meanUs: -3 });
  assert.equal(negativeValues(diffSnapshots(after, before).counters), { count: 1, meanUs: -7 });
  assert.equal(negativeValues(before.counters), { count: 3, meanUs: -1.7 });
});

test('V2 compressed base64 round-trips through hdr-histogram-js', () => {
  const regions = new SharedArrayBuffer(regionBytesFor(1));
  const writer = new RegionWriter(regions, 0);
  const random = prng(3);
  for (let i = 0; i < 10_000; i++) writer.recordLatencyUs(latencyUs(random));
  const histogram = toHdrHistogram(readRegion(regions, 0).counts);
  const decoded = hdr.decodeFromCompressedBase64(encodeHdr(histogram), 64);
  assert.is(decoded.totalCount, 10_000);
  assert.is(decoded.getValueAtPercentile(99), histogram.getValueAtPercentile(99));
  assert.ok(encodeHdr(histogram).startsWith('HISTF'), 'V2 compressed cookie in base64');
});

test.run();
