import * as hdr from 'hdr-histogram-js';
import type { RegionCounters, RegionSnapshot } from '../shared/region.js';
import { kCountsLength, kHighestTrackableUs, kLowestDiscernibleUs, kSignificantDigits } from '../shared/layout.js';
import { lowestValueAtIndex } from '../shared/buckets.js';

export const emptyCounters = (): RegionCounters => ({ sent: 0, acked: 0, failed: 0, ackedBytes: 0, backpressureWaits: 0, clampedLatencies: 0, sendMicros: 0, negativeLatencies: 0, negativeSumUs: 0, blockedMicros: 0, done: true });

export const zeroSnapshot = (): RegionSnapshot => ({ counts: new Float64Array(kCountsLength), counters: emptyCounters() });

/** Adds regions bucket by bucket: the merge is exact, never an average of percentiles. */
export function mergeSnapshots(snapshots: readonly RegionSnapshot[]): RegionSnapshot {
  const counts = new Float64Array(kCountsLength);
  const counters = emptyCounters();
  for (const snapshot of snapshots) {
    for (let i = 0; i < kCountsLength; i++) counts[i]! += snapshot.counts[i]!;
    addCounters(counters, snapshot.counters, 1);
  }
  return { counts, counters };
}

/** later − earlier: what happened between two snapshots of the same cumulative regions. */
export function diffSnapshots(later: RegionSnapshot, earlier: RegionSnapshot): RegionSnapshot {
  const counts = new Float64Array(kCountsLength);
  for (let i = 0; i < kCountsLength; i++) counts[i] = later.counts[i]! - earlier.counts[i]!;
  const counters = { ...later.counters };
  addCounters(counters, earlier.counters, -1);
  counters.done = later.counters.done;
  return { counts, counters };
}

function addCounters(into: RegionCounters, from: RegionCounters, sign: 1 | -1): void {
  into.sent += sign * from.sent;
  into.acked += sign * from.acked;
  into.failed += sign * from.failed;
  into.ackedBytes += sign * from.ackedBytes;
  into.backpressureWaits += sign * from.backpressureWaits;
  into.clampedLatencies += sign * from.clampedLatencies;
  into.sendMicros += sign * from.sendMicros;
  into.negativeLatencies += sign * from.negativeLatencies;
  into.negativeSumUs += sign * from.negativeSumUs;
  into.blockedMicros += sign * from.blockedMicros;
  into.done = into.done && from.done;
}

export const newHdrHistogram = (): hdr.Histogram =>
  hdr.build({
    bitBucketSize: 64,
    autoResize: false,
    lowestDiscernibleValue: kLowestDiscernibleUs,
    highestTrackableValue: kHighestTrackableUs,
    numberOfSignificantValueDigits: kSignificantDigits,
  });

/** Rebuilds an hdr-histogram-js histogram from shared counts, for percentiles and V2 encoding. */
export function toHdrHistogram(counts: Float64Array): hdr.Histogram {
  const histogram = newHdrHistogram();
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i]!;
    if (count > 0) histogram.recordValueWithCount(lowestValueAtIndex(i), count);
  }
  return histogram;
}

/** Percentiles in µs; zeros when nothing was recorded. */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export function summarize(histogram: hdr.Histogram): LatencySummary {
  const count = histogram.totalCount;
  if (count === 0) return { count: 0, p50: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  return {
    count,
    p50: histogram.getValueAtPercentile(50),
    p95: histogram.getValueAtPercentile(95),
    p99: histogram.getValueAtPercentile(99),
    p999: histogram.getValueAtPercentile(99.9),
    // The highest value equivalent to the largest recorded one (as Java's getMaxValue), so a merged
    // histogram and one that saw the raw values report the same max.
    max: histogram.getValueAtPercentile(100),
    mean: Math.round(histogram.mean * 10) / 10,
  };
}

/** Values below zero kept beside a histogram: how many, and their mean (µs, negative). */
export interface NegativeValues {
  count: number;
  meanUs: number;
}

export const negativeValues = (counters: RegionCounters): NegativeValues => ({
  count: counters.negativeLatencies,
  meanUs: counters.negativeLatencies === 0 ? 0 : -Math.round((10 * counters.negativeSumUs) / counters.negativeLatencies) / 10,
});

/** HdrHistogram V2 compressed, base64: what Java, Go and Rust HdrHistogram decode. */
export const encodeHdr = (histogram: hdr.Histogram): string => hdr.encodeIntoCompressedBase64(histogram);
