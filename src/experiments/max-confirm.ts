import type { ThresholdOutcome } from '../contracts/verdicts.js';
import type { RunResult } from '../contracts/result.js';
import type { MaxStep } from './max-step.js';

/**
 * The fixed-rate run at the answer that ends a search: the answer as a run of its own, judged as a
 * step is. With --hosts it ran on every host at once and its verdict is from their merged histograms.
 */
export interface MaxConfirmation {
  recordsPerSec: number;
  /** the SLO held, the run was valid at the rate and ≥ 99 % of it was acked */
  met: boolean;
  /** the hosts that produced it (--hosts), each with its records acked, warmup included; empty: this host */
  hosts: { name: string; acked: number }[];
  /** records acked, warmup included: with --hosts, the sum of the hosts' */
  acked: number;
  achievedRecordsPerSec: number;
  achievedPct: number;
  /** from the merged histogram of the measured window, µs */
  produceAckP99Us: number | null;
  publishDelayP99Us: number | null;
  slo: ThresholdOutcome[];
  /** why it was not met; empty when it was */
  reasons: string[];
  startedAt: string;
  measuredMs: number;
}

/** The confirmation from a run at the answer and its verdict as a step. */
export function confirmationOf(run: RunResult, step: MaxStep): MaxConfirmation {
  return {
    recordsPerSec: step.askedRecordsPerSec,
    met: step.pass,
    hosts: (run.hosts ?? []).map((host) => ({ name: host.name, acked: host.totals.acked })),
    acked: run.totals.acked,
    achievedRecordsPerSec: step.achievedRecordsPerSec,
    achievedPct: step.achievedPct,
    produceAckP99Us: step.produceAckP99Us,
    publishDelayP99Us: step.publishDelayP99Us,
    slo: step.slo,
    reasons: step.reasons,
    startedAt: step.startedAt,
    measuredMs: step.measuredMs,
  };
}
