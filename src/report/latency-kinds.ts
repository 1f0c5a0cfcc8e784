import * as hdr from 'hdr-histogram-js';
import type { RunResult } from '../run/result.js';
import { decodeHdrCounts } from '../histogram/hdr-decode.js';
import { toHdrHistogram } from '../histogram/merge.js';

/** The latency histograms a run result may hold, with the names reports use for them. */
export const LATENCY_KINDS = [
  { key: 'produceAck', slug: 'produce-ack', title: 'produce→ack' },
  { key: 'endToEnd', slug: 'e2e', title: 'end to end' },
  { key: 'publishDelay', slug: 'publish-delay', title: 'publish delay' },
  { key: 'commit', slug: 'commit', title: 'transaction commit' },
] as const;

export type LatencyKey = (typeof LATENCY_KINDS)[number]['key'];

/** The run's V2 base64 histogram of that kind, or null when the run did not measure it. */
export function hdrOf(run: RunResult, key: LatencyKey): string | null {
  const latency = run.latency[key];
  return latency && typeof latency.hdr === 'string' && latency.count > 0 ? latency.hdr : null;
}

/** Decoded within our layout's bounds (src/histogram/hdr-decode.ts), into 64-bit buckets: a whole run's counts overflow 32 bits at high volume. */
export const decodeHdr = (base64: string): hdr.Histogram => toHdrHistogram(decodeHdrCounts(base64));
