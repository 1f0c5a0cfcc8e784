import { encodeHdr, summarize, toHdrHistogram, type LatencySummary, type NegativeValues } from '../histogram/merge.js';
import { kCountsLength } from '../shared/layout.js';
import type { ProducerTaskResult } from '../contracts/producer-task.js';
import type { CommitLatency, TransactionsSummary } from '../contracts/transactions.js';
import type { Workload } from '../options/workload-shape.js';

/** Records of aborted transactions over every thread: the e2e consumers must not read them. */
export function abortedRecordsOf(outcomes: readonly ProducerTaskResult[]): number {
  return outcomes.reduce((sum, outcome) => sum + (outcome.transactions?.abortedRecords ?? 0), 0);
}

/**
 * Merges every thread's ledger: counts add, commit-latency histograms add bucket by bucket (never
 * percentiles). Commit latency is the duration of the commit call on the worker thread: waiting
 * for the transaction's last acks, then the EndTxn round trip that writes the commit markers.
 * null when the run was not transactional.
 */
export function summarizeTransactions(workload: Workload, outcomes: readonly ProducerTaskResult[]): { summary: TransactionsSummary; commitLatency: CommitLatency } | null {
  if (!workload.transactional) return null;
  const summary: TransactionsSummary = { committed: 0, aborted: 0, committedRecords: 0, abortedRecords: 0, transactionRecords: workload.transactionRecords, transactionMs: workload.transactionMs, abortRate: workload.abortRate, commitLatencyIs: 'commit-call', abortedRangesPerShard: outcomes.map((outcome) => outcome.transactions?.abortedRanges ?? []) };
  const counts = new Float64Array(kCountsLength);
  for (const outcome of outcomes) {
    const ledger = outcome.transactions;
    if (!ledger) continue;
    summary.committed += ledger.committed;
    summary.aborted += ledger.aborted;
    summary.committedRecords += ledger.committedRecords;
    summary.abortedRecords += ledger.abortedRecords;
    ledger.commitLatencyCounts.forEach((count, i) => (counts[i]! += count));
  }
  const histogram = toHdrHistogram(counts);
  // A commit takes ≥ 0 µs on one monotonic clock: nothing falls below zero.
  return { summary, commitLatency: { ...summarize(histogram), unit: 'us', negative: { count: 0, meanUs: 0 }, hdr: encodeHdr(histogram) } };
}
