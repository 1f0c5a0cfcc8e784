import type { StageIntervalColumns, StageResult } from './stage.js';
import type { LatencySummary, NegativeValues } from '../histogram/merge.js';
import type { Workload } from '../options/workload-shape.js';
import type { Shard } from '../plan/shard.js';
import type { HostFacts } from '../runtime.js';
import type { AbortedCheck } from '../verify/aborted.js';
import type { IntegritySummary } from '../verify/sequence-tracker.js';
import type { BacklogReport, ChurnReport } from './consumer-modes.js';
import type { ClusterTimeline, FaultEvent } from './faults.js';
import type { FleetReport, HostReport } from './fleet.js';
import type { GeneratorColumns, GeneratorWindow } from './generator.js';
import type { CommitLatency, TransactionsSummary } from './transactions.js';
import type { Availability, ThresholdOutcome, Validity } from './verdicts.js';
import type { KneeResult, LevelResult } from './levels.js';

export type RunPhase = 'warmup' | 'measure' | 'drain';

/** One row per interval: what happened in that interval alone (rates), plus running totals; the generator's costs. */
export interface IntervalRow extends Partial<GeneratorColumns> {
  elapsedMs: number;
  phase: RunPhase;
  recordsPerSec: number;
  mbPerSec: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
  errors: number;
  backpressureWaits: number;
  totalSent: number;
  totalAcked: number;
  /** --stages / --steps: the rate the schedule asked over this interval (its integral ÷ the span) */
  targetRecordsPerSec?: number;
  /** --e2e only: records consumed per second in the interval */
  consumedPerSec?: number;
  /** --e2e only: acked but not yet consumed, at the interval's end */
  lagRecords?: number;
  /** --e2e only: p99 end-to-end latency of the records consumed in the interval */
  e2eP99Us?: number;
  /** --observe only: each stage's columns, in pipeline order */
  stages?: StageIntervalColumns[];
}

export interface WorkerFailure {
  worker: number;
  code: string;
  message: string;
  exitCode: number;
}

/** The JSON result, schemaVersion 1. Every latency is µs; every rate is per second. */
export interface RunResult {
  schemaVersion: 1;
  tool: { name: 'stampede'; version: string };
  status: 'ok' | 'failed' | 'interrupted' | 'timed-out' | 'not-valid' | 'integrity-failed';
  startedAt: string;
  finishedAt: string;
  notices: string[];
  failures: WorkerFailure[];
  workload: Workload & { effectiveWorkers: number };
  plan: Shard[];
  /** records each shard of the plan handed to its client, in plan order: with the plan, every device's expected sequence (`verify --expect`) */
  sentPerShard?: number[];
  librdkafka: Record<string, string>;
  librdkafkaVersion: string | null;
  topic: { name: string; partitions: number; created: boolean } | null;
  runtime: { name: string; version: string };
  host: HostFacts;
  totals: {
    /** whole run, warmup included: sent = acked + errors + (in flight at a failure) */
    sent: number;
    acked: number;
    errors: number;
    backpressureWaits: number;
    /** µs producers sat blocked on a full client queue (QUEUE_FULL), whole run */
    blockedMicros: number;
    /** µs producers spent inside client.send (enqueueing into the client), whole run */
    sendMicros: number;
    /** the measured window: after warmup until the last ack */
    durationMs: number;
    measuredAcked: number;
    recordsPerSec: number;
    /** 10^6 bytes of key + value per second, acknowledged */
    mbPerSec: number;
  };
  latency: {
    /** from the hand-over to the client (max rate) or from the intended send time (fixed rate) */
    produceAck: LatencySummary & { unit: 'us'; measuredFrom: 'send' | 'intended-send'; clamped: number; negative: NegativeValues; hdr: string };
    /** intended → actual enqueue (time blocked on a full queue included); fixed-rate runs only */
    publishDelay: (LatencySummary & { unit: 'us'; negative: NegativeValues; hdr: string }) | null;
    /**
     * --e2e only: receive time − the send time the record carries (wall clock, same host). Values
     * below zero (a clock step, cross-host skew) are never in the histogram: `negative` counts them.
     */
    endToEnd: (LatencySummary & { unit: 'us'; negative: NegativeValues; hdr: string }) | null;
    /** --transactional only: duration of each commit call (the transaction's last acks, then EndTxn), committed transactions only */
    commit?: CommitLatency;
  };
  /** --transactional only: transactions and records committed and aborted */
  transactions?: TransactionsSummary;
  /** --e2e only: what the consumers saw against what the producers sent */
  integrity: (IntegritySummary & { consumed: number; decodeErrors: number; skippedOlder: number; reread?: number; consumers: number; groupId: string; consumerCpu?: ConsumerCpu } & Partial<AbortedCheck>) | null;
  /** --e2e only: records per partition, and 100 % when all partitions got the same */
  partitions: { perPartition: number[]; balancePct: number } | null;
  /** --observe only: each observed stage of the user's pipeline, in order */
  stages?: StageResult[];
  /** false when a fixed-rate run did not run the asked workload: rate short, senders blocked, or publish delay over the limit */
  validity: Validity;
  /** stalls (intervals with no ack while records were outstanding), recovery, failures by librdkafka error code, retries; absent in results from older versions */
  availability?: Availability;
  /** --fault: what was done to the local broker, and when (ms after go) */
  faults?: FaultEvent[];
  /** faults on a local cluster: the run's topic polled every interval (leaders, ISR, controller) */
  cluster?: ClusterTimeline;
  intervals: IntervalRow[];
  /** --hosts runs: per-host totals, latency and clock offset (they sum to the merged totals), and the fleet's facts */
  hosts?: HostReport[];
  fleet?: FleetReport;
  /** --instance-id runs: which slice of which run this file is; merged files list every instance */
  instance?: InstanceInfo;
  /**
   * What generating cost over the measured window: each producer thread's CPU and
   * busy share, the whole process's CPU (and per million acked records), peak RSS, the coordinator's
   * event-loop lag, and the warning when a thread, not the broker, limited the rate. Absent in older results.
   */
  generator?: GeneratorWindow & { cpuSecPerMillionAcked: number | null; warning: string | null };
  /** --backlog: building the backlog with the consumers paused, and draining it (src/run/modes/backlog.ts) */
  backlog?: BacklogReport;
  /** --consumer-churn: each rebalance's pause and the e2e latency around them (src/run/modes/churn.ts) */
  churn?: ChurnReport;
  /** --stages / --steps: each level's rate, validity and latency, from that level's histograms only */
  levels?: LevelResult[];
  /** --steps with --threshold: the highest level that met them and the first that did not */
  knee?: KneeResult;
  /** --threshold: each one's verdict with the observed value (absent when none were given) */
  thresholds?: ThresholdOutcome[];
}

/** Which slice of which run a result file is (one instance), or which instances it merges. */
export interface InstanceInfo {
  /** this file's instance id; null in a merged file */
  id: number | null;
  count: number;
  runId: string;
  /** where the run id came from: --run-id, $STAMPEDE_RUN_ID, or the workload's fingerprint */
  runIdFrom: 'option' | 'fingerprint';
  /** the whole run's share of this instance: device range, records, rate */
  slice: Shard | null;
  /** merged files: each instance's part (their totals sum to the merged totals) */
  instances?: InstanceReport[];
}

export interface InstanceReport {
  id: number;
  status: RunResult['status'];
  slice: Shard | null;
  startedAt: string;
  totals: RunResult['totals'];
  produceAck: Omit<RunResult['latency']['produceAck'], 'hdr'>;
  host: string;
}

/**
 * --e2e: the consumers' own CPU from ready to stop, from thread CPU clocks: their polling threads
 * (poll, decode, integrity checks, latency) and librdkafka's threads of each consumer (fetch,
 * parse). What the consumer path costs, apart from what sharing cores with producers costs.
 */
export interface ConsumerCpu {
  pollingSeconds: number;
  librdkafkaSeconds: number;
  /** both, per million records read; null when none were read */
  secondsPerMillionRecords: number | null;
}
