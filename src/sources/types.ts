import type { ProducerTaskResult } from '../contracts/producer-task.js';
import type { RegionSnapshot } from '../shared/region.js';

export interface ThreadStats {
  cpuUs: number[];
  /** µs each thread waited for a core while runnable (-1: unknown) */
  runQueueUs: number[];
  queueFullWaits: number[];
}

/**
 * Where a run's producer measurements come from. The coordinator's phases (barrier, interval
 * sampling, assembly) see only this, so local worker threads and, later, remote agents or merged
 * instance files can stand in for each other (OpenMessaging Benchmark's Worker interface, with
 * cumulative snapshots instead of reset-on-read: a missed read loses nothing).
 */
export interface SnapshotSource {
  /** Producer threads in all (hosts × threads for a fleet). */
  readonly workers: number;
  /** Resolves when every producer is connected and waiting for go, has already ended, or timeoutMs passed or signal aborted. */
  ready(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  /** Opens the measured run for every producer at once. */
  go(): void;
  /** Asks every producer to stop sending; each then waits for its last acks and ends. Idempotent. */
  stop(): void;
  readonly stopping: boolean;
  /** Cumulative, merged counters and produce→ack counts of every producer so far. */
  snapshot(): RegionSnapshot;
  /**
   * Optional: the cumulative snapshot each producer took itself when warmup ended, merged, once
   * every producer has one. A remote source's snapshot() is as old as its latest line; this one is
   * taken at the moment, so the measured window leaves warmup records out exactly.
   */
  warmupBaseline?(): RegionSnapshot | undefined;
  /** Cumulative, merged publish-delay counts (intended → actual send; fixed-rate runs). */
  publishDelays(): RegionSnapshot;
  /** Optional: producers that have already ended in failure, in the order they did (for a notice while the others go on). */
  failedSoFar?(): readonly { worker: number; message: string }[];
  /**
   * Optional: each producer thread's cumulative CPU µs (-1 when its clock is unknown) and
   * queue-full waits so far, in plan order: whether the generator or the broker set the rate.
   */
  threadStats?(): ThreadStats;
  /** Records each shard of the plan has sent so far, in plan order. */
  sentPerShard(): number[];
  /** Every producer's outcome in plan order, once all have ended. Never rejects. */
  readonly finished: Promise<ProducerTaskResult[]>;
  /** Releases threads and connections; safe to call more than once. */
  close(): Promise<void>;
}
