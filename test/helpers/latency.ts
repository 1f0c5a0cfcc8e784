import * as assert from 'uvu/assert';
import { JsHistogram, type Histogram } from 'hdr-histogram-js';
import { decodeHdr } from '../../src/histogram/latency-kinds.js';

/**
 * No latency through a Kafka broker is under 100 µs: a produce request and its response cross a
 * JVM on loopback (the fastest seen on a quiet host are several hundred µs). A p50 below this
 * means values are not µs of a round trip (ms read as µs, a zero recorded for every record).
 */
export const kBrokerFloorUs = 100;

export interface LatencyBounds {
  /** Wall-clock time measured around the call that made every value: none can be longer. */
  wallMs: number;
  /** The p50 may not be below this (default: a broker round trip, kBrokerFloorUs). */
  floorUs?: number;
}

/**
 * Latencies (a histogram, or a result's base64 HDR) that are µs of something that really happened
 * within `wallMs`: some values, none at 0 µs, a p50 at least `floorUs`, and a max no longer than
 * the wall-clock time around them. A value 1,000× the truth, or zeros, fail.
 */
export function assertLatencyWithin(label: string, latency: Histogram | string, bounds: LatencyBounds): void {
  const histogram = typeof latency === 'string' ? decodeHdr(latency) : latency;
  assert.instance(histogram, JsHistogram, `${label}: decoded without WebAssembly`);
  assert.ok(histogram.totalCount > 0, `${label}: no values`);
  const values = (histogram as JsHistogram).recordedValuesIterator;
  values.reset();
  let atZero = 0;
  while (values.hasNext()) {
    const step = values.next();
    if (step.valueIteratedTo < 1) atZero += step.countAtValueIteratedTo;
  }
  assert.is(atZero, 0, `${label}: ${atZero} of ${histogram.totalCount} values at 0 µs`);
  const floorUs = bounds.floorUs ?? kBrokerFloorUs;
  const p50Us = histogram.getValueAtPercentile(50);
  assert.ok(p50Us >= floorUs, `${label}: p50 ${p50Us} µs, below the ${floorUs} µs floor`);
  // The histogram keeps 3 significant digits: its max is the lowest value of the max's bucket.
  const maxUs = (histogram as JsHistogram).lowestEquivalentValue(histogram.maxValue);
  assert.ok(maxUs <= bounds.wallMs * 1000, `${label}: max ${maxUs} µs, longer than the ${bounds.wallMs} ms the call took`);
}
