import type { LatencySummary } from '../histogram/merge.js';
import type { Workload } from '../options/workload.js';
import type { Shard } from '../plan/shard.js';
import type { HostFacts } from '../runtime.js';

export type RunPhase = 'warmup' | 'measure' | 'drain';

/** One row per interval: what happened in that interval alone (rates), plus running totals. */
export interface IntervalRow {
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
  status: 'ok' | 'failed' | 'interrupted' | 'timed-out' | 'not-valid';
  startedAt: string;
  finishedAt: string;
  notices: string[];
  failures: WorkerFailure[];
  workload: Workload & { effectiveWorkers: number };
  plan: Shard[];
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
    /** the measured window: after warmup until the last ack */
    durationMs: number;
    measuredAcked: number;
    recordsPerSec: number;
    /** 10^6 bytes of key + value per second, acknowledged */
    mbPerSec: number;
  };
  latency: {
    /** from the hand-over to the client (max rate) or from the intended send time (fixed rate) */
    produceAck: LatencySummary & { unit: 'us'; measuredFrom: 'send' | 'intended-send'; clamped: number; hdr: string };
    /** intended → actual send; fixed-rate runs only */
    publishDelay: (LatencySummary & { unit: 'us'; hdr: string }) | null;
  };
  /** false when a fixed-rate run's generator could not keep its schedule */
  validity: { valid: boolean; reason: string | null };
  intervals: IntervalRow[];
}
