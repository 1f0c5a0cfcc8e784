/** Prometheus text exposition (0.0.4) pieces: samples, HELP/TYPE blocks, label escaping, and histograms folded from HDR counts. */
import { lowestValueAtIndex } from '../shared/buckets.js';
import { kCountsLength } from '../shared/layout.js';

/** Upper bounds in seconds: 100 µs to 60 s, covering a low-latency profile and a backlogged consumer. */
export const kBucketBoundsSec = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

let bucketOfIndex: Int32Array | undefined;
/** Which Prometheus bucket each HDR count index falls in (computed once). */
function bucketIndexes(): Int32Array {
  if (bucketOfIndex) return bucketOfIndex;
  bucketOfIndex = new Int32Array(kCountsLength);
  for (let i = 0; i < kCountsLength; i++) {
    const seconds = lowestValueAtIndex(i) / 1e6;
    const bucket = kBucketBoundsSec.findIndex((bound) => seconds <= bound);
    bucketOfIndex[i] = bucket === -1 ? kBucketBoundsSec.length : bucket;
  }
  return bucketOfIndex;
}

/** Cumulative `le` counts (last = +Inf), and the sum of values in seconds. */
export function histogramFromCounts(counts: Float64Array): { buckets: number[]; count: number; sumSec: number } {
  const perBucket = new Array<number>(kBucketBoundsSec.length + 1).fill(0);
  const indexes = bucketIndexes();
  let sumUs = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i]!;
    if (count === 0) continue;
    perBucket[indexes[i]!]! += count;
    sumUs += count * lowestValueAtIndex(i);
  }
  let running = 0;
  const buckets = perBucket.map((count) => (running += count));
  return { buckets, count: running, sumSec: sumUs / 1e6 };
}

export const sample = (name: string, value: number, labels = ''): string => `${name}${labels ? `{${labels}}` : ''} ${Number.isFinite(value) ? value : 0}`;

export function metricBlock(name: string, type: 'counter' | 'gauge' | 'histogram', help: string, lines: string[]): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines];
}

/** `labels` (already escaped, e.g. `stage="enriched"`) go before `le` on every line of the histogram. */
export function histogramLines(name: string, counts: Float64Array, labels = ''): string[] {
  const { buckets, count, sumSec } = histogramFromCounts(counts);
  const prefix = labels ? `${labels},` : '';
  return [
    ...kBucketBoundsSec.map((bound, i) => sample(`${name}_bucket`, buckets[i]!, `${prefix}le="${bound}"`)),
    sample(`${name}_bucket`, buckets[buckets.length - 1]!, `${prefix}le="+Inf"`),
    sample(`${name}_sum`, sumSec, labels),
    sample(`${name}_count`, count, labels),
  ];
}

/** Prometheus label value escaping: backslash, double quote, line feed. */
export const labelValue = (text: string): string => text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
