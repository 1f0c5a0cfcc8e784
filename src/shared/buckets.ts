import { kHighestTrackableUs, kSubBucketHalfCount, kSubBucketHalfCountMagnitude } from '../shared/layout.js';

const kTwoPow32 = 2 ** 32;

/**
 * Counts-array index of a value, HdrHistogram's countsArrayIndex with unit magnitude 0. Values are
 * integers µs below 2^53; the most significant bit is found with clz32 on the high or low word.
 */
/** 2^0 … 2^63: a table read instead of `2 ** n`, which V8 runs as a call to pow() per record. */
const kPowersOfTwo = Float64Array.from({ length: 64 }, (_, n) => 2 ** n);

export function countsIndexOf(valueUs: number): number {
  if (valueUs < kSubBucketHalfCount * 2) return valueUs;
  const high = Math.floor(valueUs / kTwoPow32);
  const msb = high > 0 ? 63 - Math.clz32(high) : 31 - Math.clz32(valueUs);
  const bucketIndex = msb - kSubBucketHalfCountMagnitude;
  const subBucketIndex = Math.floor(valueUs / kPowersOfTwo[bucketIndex]!);
  return ((bucketIndex + 1) << kSubBucketHalfCountMagnitude) + subBucketIndex - kSubBucketHalfCount;
}

/** The lowest value that lands in counts index i: the inverse of countsIndexOf. */
export function lowestValueAtIndex(index: number): number {
  let bucketIndex = (index >> kSubBucketHalfCountMagnitude) - 1;
  let subBucketIndex = (index & (kSubBucketHalfCount - 1)) + kSubBucketHalfCount;
  if (bucketIndex < 0) {
    subBucketIndex -= kSubBucketHalfCount;
    bucketIndex = 0;
  }
  return subBucketIndex * 2 ** bucketIndex;
}

/** Clamps into the trackable range; callers count clamps so nothing is hidden. */
export const clampUs = (valueUs: number): number => (valueUs < 0 ? 0 : valueUs > kHighestTrackableUs ? kHighestTrackableUs : Math.round(valueUs));
