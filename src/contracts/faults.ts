import type { FaultKind } from '../options/faults.js';

/** What was done to the single broker of `stampede broker up`, and when (ms after go). */
export interface BrokerRestartEvent {
  kind: 'broker-restart';
  killedPid: number;
  killedAtMs: number;
  /** absent when the restart failed */
  restartedPid?: number;
  restartedAtMs?: number;
  error?: string;
}

/** Rate and latency over a stretch of interval rows. */
export interface FaultWindowStats {
  fromMs: number;
  toMs: number;
  recordsPerSec: number;
  /** median of the produce→ack p50 of the intervals that acked anything */
  p50Us: number;
  /** highest interval produce→ack p99 (percentiles of intervals do not merge; this bounds it) */
  p99Us: number;
  /** --e2e: highest interval end-to-end p99 */
  e2eP99Us: number | null;
  /** records that failed at the producer in the window */
  errors: number;
  /**
   * those failures by librdkafka error name (read at interval ends in each producer thread, so a
   * failure near a window's edge may count in the next one); absent when the client cannot tell
   */
  errorsByCode?: Record<string, number>;
}

/** A fault on a node of `stampede cluster up`: when, on which node, and what the run saw around it. */
export interface ClusterFaultEvent {
  kind: Exclude<FaultKind, 'broker-restart'>;
  /** the nodes acted on, in order (several for a rolling restart) */
  nodes: number[];
  /** why these nodes: "leader of iot-3", "active controller" */
  target?: string;
  pids: number[];
  startMs: number;
  /** when the node was back (restarted, continued) or the last node of a rolling restart had its ISR full; null: never within the run */
  endMs: number | null;
  error?: string;
  /** the intervals before the fault (up to five), those overlapping it, and those after it to the run's end (drain included) */
  before?: FaultWindowStats | null;
  during?: FaultWindowStats | null;
  after?: FaultWindowStats | null;
  /** from the fault's start until rate ≥ 90 % of before and p99 < 2× before again; 0 when no interval was hurt, null when never */
  recoveryMs?: number | null;
}

export type FaultEvent = BrokerRestartEvent | ClusterFaultEvent;

/** One metadata poll of the run's topic on a local cluster. */
export interface ClusterSample {
  elapsedMs: number;
  activeController: number | null;
  /** partitions whose ISR is smaller than their replica set */
  underReplicated: number;
  /** smallest ISR of any partition */
  minIsr: number;
  leaderless: number;
  /** node id leading each partition (-1: none) */
  leaders: number[];
}

/** The run's topic on a local cluster, polled every interval. */
export interface ClusterTimeline {
  topic: string;
  samples: ClusterSample[];
  partitions: { partition: number; leaderChanges: number; leaderlessMs: number }[];
  /** at the last sample: every partition's ISR its full replica set */
  fullIsrAtEnd: boolean;
}

/** A producer thread's failed records by librdkafka error name, cumulative, as read `atMs` after go. */
export interface ErrorCodeSample {
  atMs: number;
  errorsByCode: Record<string, number>;
}
