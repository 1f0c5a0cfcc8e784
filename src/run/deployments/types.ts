import type { RunResult } from '../../contracts/result.js';
import type { TestCrash } from '../../contracts/test-crash.js';
import type { Shard } from '../../plan/shard.js';
import type { SnapshotSource } from '../../sources/types.js';
import type { Prepared } from '../prepare.js';
import type { Sampled } from '../sample.js';

/**
 * Where a run's producers run: threads of this process, agents on --hosts, or one --instance-id
 * slice. The runner's phases are the same for all three; a deployment settles only what differs:
 * the plan, starting the producers (a snapshot source), and what it adds to the result.
 */
export interface Deployment {
  /** The plan the run produces; the whole plan, or this deployment's part of it. */
  plan(prepared: Prepared): Shard[];
  /** What the e2e consumers' notice says about where they run and what their latency compares. */
  readonly e2eNotices: readonly string[];
  /** Starts every producer; they wait for the runner's go. */
  start(prepared: Prepared, plan: Shard[], crash: TestCrash | undefined): Promise<SnapshotSource>;
  /** After each merged interval row: per-host lines (--verbose), for instance. */
  afterInterval?(): void;
  /** The result with this deployment's parts: hosts and fleet figures, or which instance it is. */
  finish(result: RunResult, measured: { sampled: Sampled; coordinatorCpuMicros: number }): RunResult;
  /** Releases what start() never got to hand over (connected hosts); the source closes the rest. */
  abandon(): Promise<void>;
}
