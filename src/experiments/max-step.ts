import type { ThresholdOutcome } from '../contracts/verdicts.js';
import type { Threshold } from '../options/thresholds.js';
import { evaluateThresholds, formatObserved } from '../verdicts/thresholds.js';
import type { IntervalRow, RunResult } from '../contracts/result.js';
import { kMinAchievedShare } from '../verdicts/validity.js';
import type { Validity } from '../contracts/verdicts.js';

/** One fixed-rate step of `stampede max`, judged: what was asked, what happened, and why it failed. */
export interface MaxStep {
  askedRecordsPerSec: number;
  /** acked records/s over the measured window */
  achievedRecordsPerSec: number;
  /** achieved ÷ asked, % (one decimal) */
  achievedPct: number;
  /** produce→ack p99 from the intended send times, µs; null when nothing was acked */
  produceAckP99Us: number | null;
  /** intended → actual enqueue p99, µs, whole step */
  publishDelayP99Us: number | null;
  /** each SLO with what the step observed */
  slo: ThresholdOutcome[];
  /** the fixed-rate verdict of src/verdicts/validity.ts */
  validity: Validity;
  /** the run's own status ('ok', 'not-valid', 'integrity-failed', …) */
  status: RunResult['status'];
  pass: boolean;
  /** why it did not pass, worded for the user; empty when it passed */
  reasons: string[];
  startedAt: string;
  measuredMs: number;
  /** the step's interval rows (warmup, measure, drain): whether latency settled or grew */
  intervals: IntervalRow[];
}

const count = (value: number): string => Math.round(value).toLocaleString('en-US');

/**
 * A step passes only when every SLO holds, the fixed-rate verdict is valid (publish delay within
 * --max-publish-delay, no sender blocked, the schedule delivered) and at least 99 % of the asked
 * rate was acked — asked, not scheduled: a Poisson schedule that happened to make fewer records
 * due is not a rate the system sustained.
 */
export function judgeStep(result: RunResult, askedRecordsPerSec: number, slo: readonly Threshold[]): MaxStep {
  const outcomes = evaluateThresholds(result, slo);
  const achieved = result.totals.recordsPerSec;
  const achievedPct = Math.round((1000 * achieved) / askedRecordsPerSec) / 10;
  const reasons: string[] = [];
  for (const outcome of outcomes.filter((o) => !o.pass)) {
    reasons.push(`${outcome.threshold} missed: ${formatObserved(outcome)}${outcome.observed === null ? ' (the step did not measure it)' : ''}`);
  }
  reasons.push(...result.validity.reasons);
  const shortfallNamed = result.validity.reasons.some((reason) => reason.startsWith('delivered '));
  if (achieved < kMinAchievedShare * askedRecordsPerSec && !shortfallNamed) {
    reasons.push(`delivered ${count(achieved)} rec/s of ${count(askedRecordsPerSec)} asked (${achievedPct.toFixed(1)} %)`);
  }
  if (result.status === 'integrity-failed' && result.integrity) {
    reasons.push(`records lost or duplicated (lost ${count(result.integrity.lost)}, duplicates ${count(result.integrity.duplicates)})`);
  } else if (result.status === 'timed-out') {
    reasons.push('timed out');
  }
  const produceAck = result.latency.produceAck;
  return {
    askedRecordsPerSec,
    achievedRecordsPerSec: achieved,
    achievedPct,
    produceAckP99Us: produceAck.count > 0 ? produceAck.p99 : null,
    publishDelayP99Us: result.latency.publishDelay && result.latency.publishDelay.count > 0 ? result.latency.publishDelay.p99 : null,
    slo: outcomes,
    validity: result.validity,
    status: result.status,
    pass: reasons.length === 0,
    reasons,
    startedAt: result.startedAt,
    measuredMs: result.totals.durationMs,
    intervals: result.intervals,
  };
}
