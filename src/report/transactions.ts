import type { RunResult } from '../contracts/result.js';
import { formatCount, formatDurationMs } from '../fmt.js';

/** --transactional: one line of what was committed and aborted, and what the commit latency row measures. */
export function renderTransactions(result: RunResult): string[] {
  const txn = result.transactions;
  if (!txn) return [];
  return [
    `transactions: ${formatCount(txn.committed)} committed (${formatCount(txn.committedRecords)} records), ${formatCount(txn.aborted)} aborted (${formatCount(txn.abortedRecords)} records); ` +
      `a commit every ${formatCount(txn.transactionRecords)} records or ${formatDurationMs(txn.transactionMs)} per thread, abort rate ${txn.abortRate}; acks=all, idempotent`,
    'transaction commit latency = the commit call on the producer thread: the transaction\'s last acks, then the commit markers (EndTxn)',
  ];
}
