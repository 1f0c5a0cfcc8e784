import * as hdr from 'hdr-histogram-js';
import { decodeHdrCounts } from './hdr-decode.js';
import { toHdrHistogram } from './merge.js';

/** The latency histograms a run result may hold, with the names reports use for them. */
export const LATENCY_KINDS = [
  { key: 'produceAck', slug: 'produce-ack', title: 'produce→ack' },
  { key: 'endToEnd', slug: 'e2e', title: 'end to end' },
  { key: 'publishDelay', slug: 'publish-delay', title: 'publish delay' },
  { key: 'commit', slug: 'commit', title: 'transaction commit' },
] as const;

export type LatencyKey = (typeof LATENCY_KINDS)[number]['key'];

/** Decoded within our layout's bounds (src/histogram/hdr-decode.ts), into 64-bit buckets: a whole run's counts overflow 32 bits at high volume. */
export const decodeHdr = (base64: string): hdr.Histogram => toHdrHistogram(decodeHdrCounts(base64));
