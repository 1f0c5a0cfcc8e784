import type { LatencySummary, NegativeValues } from '../histogram/merge.js';

/** --transactional settings every producer thread of a run shares. */
export interface TransactionSettings {
  /** random per run: with the thread index, each thread's transactional.id */
  runNonce: string;
  /** a transaction ends after this many records… */
  records: number;
  /** …or once it is this old (checked between batches), whichever comes first */
  ms: number;
  /** share of transactions aborted on purpose */
  abortRate: number;
}

/**
 * One thread's book of its transactions, shipped to the coordinator when the thread ends. Records
 * are named by their index in the thread's shard (the n-th record it sent): with the shard's device
 * range that gives each aborted record's device and sequence number (src/verify/aborted.ts).
 */
export interface TransactionLedger {
  committed: number;
  aborted: number;
  committedRecords: number;
  abortedRecords: number;
  /** flat [start0, end0, start1, end1, …]: half-open ranges of shard record indexes of aborted transactions, ascending */
  abortedRanges: number[];
  /** commit-call durations (µs), bucket counts of the shared histogram layout */
  commitLatencyCounts: Float64Array;
}

/** --transactional: what the producer threads committed and aborted, in the JSON result. */
export interface TransactionsSummary {
  committed: number;
  aborted: number;
  committedRecords: number;
  abortedRecords: number;
  /** the settings they ran with */
  transactionRecords: number;
  transactionMs: number;
  abortRate: number;
  /** what `latency.commit` measures */
  commitLatencyIs: 'commit-call';
  /** per shard of the plan, flat [start, end) ranges of the shard's record indexes that were aborted: `verify --expect` excuses them */
  abortedRangesPerShard: number[][];
}

export type CommitLatency = LatencySummary & { unit: 'us'; negative: NegativeValues; hdr: string };
