import type { LatencySummary } from '../histogram/merge.js';

/** --backlog: what building and draining the backlog took (times in ms after go). */
export interface BacklogReport {
  askedBytes: number;
  /** acked by the producers and not yet consumed when the consumers resumed (key + value bytes) */
  reachedBytes: number;
  reachedRecords: number;
  /** backlog-reached: as asked; producers-stopped: they stopped first, and the consumers resumed then; never: the run ended before either */
  resumedBecause: 'backlog-reached' | 'producers-stopped' | 'never';
  resumedAtMs: number | null;
  /** the lag under which the group is caught up: the producers' records in one --interval at their rate until the resume */
  caughtUpBelowRecords: number;
  /** resume → lag under caughtUpBelowRecords; null: it never got there before the consumers stopped (--drain after the producers) */
  recoveryMs: number | null;
  /** consumption from the resume until caught up (or until the consumers stopped): records/s and MB/s while draining, producers still sending */
  drain: { records: number; bytes: number; durationMs: number; recordsPerSec: number; mbPerSec: number };
  /** acked but not consumed when the consumers stopped */
  lagAtEndRecords: number;
}

/** One rebalance --consumer-churn caused (times in ms after go). */
export interface RebalanceEvent {
  atMs: number;
  action: 'added' | 'removed';
  /** the consumer slot added or asked to leave */
  member: number;
  membersAfter: number;
  /** the longest time in which no member of the group consumed a record, from the event until the group read again with its new membership */
  pauseMs: number;
  /** event → the first record consumed once the group held every partition with its new membership; null: not before the next event or the producers' end */
  rebalancedAfterMs: number | null;
  /** e2e latency of the records consumed from the event until one --interval after the group read again */
  endToEnd: LatencySummary & { unit: 'us' };
}

/** --consumer-churn: every rebalance, and e2e latency around them against the rest of the run. */
export interface ChurnReport {
  everyMs: number;
  rebalances: RebalanceEvent[];
  /** the longest gap in consumption outside the rebalances' windows (while producing): what a pause is compared with */
  longestGapOutsideMs: number;
  endToEnd: { aroundRebalances: LatencySummary & { unit: 'us' }; others: LatencySummary & { unit: 'us' } };
}
