import type { LatencySummary } from '../histogram/merge.js';
import type { Validity } from '../contracts/verdicts.js';

/** Below this share of the asked rate, a fixed-rate run did not run the workload it was asked for. */
export const kMinAchievedShare = 0.99;

export interface ValidityInput {
  /** undefined: an as-fast-as-possible run, which has no schedule to keep */
  askedRecordsPerSec: number | undefined;
  /** acked records per second over the measured window (the summary's records/s) */
  achievedRecordsPerSec: number;
  /**
   * The rate the arrival schedules actually made due (summed over workers): the asked rate for
   * uniform arrivals, the realised one for Poisson, whose count over a short run strays by ~1/√N.
   * The share delivered is measured against it. Default: the asked rate.
   */
  scheduledRecordsPerSec?: number;
  /** µs producers sat blocked on a full client queue, whole run */
  blockedMicros: number;
  /** intended → actual enqueue, whole run; null at max rate */
  publishDelay: LatencySummary | null;
  maxPublishDelayUs: number;
}

const count = (value: number): string => Math.round(value).toLocaleString('en-US');

/**
 * At a fixed rate a run is valid only if it ran the workload asked for: it delivered at least 99 %
 * of the asked rate over the measured window, no sender was ever blocked by backpressure (a blocked
 * sender is an open-loop generator gone closed-loop), and the publish-delay p99 stayed within
 * --max-publish-delay (the publish delay includes time blocked in send).
 */
export function judgeValidity(input: ValidityInput): Validity {
  const asked = input.askedRecordsPerSec;
  const blockedMs = Math.round(input.blockedMicros / 100) / 10;
  if (asked === undefined) return { valid: true, reason: null, reasons: [], askedRecordsPerSec: null, achievedRecordsPerSec: null, scheduledRecordsPerSec: null, achievedPct: null, blockedMs };
  const reasons: string[] = [];
  const achieved = input.achievedRecordsPerSec;
  const scheduled = input.scheduledRecordsPerSec ?? asked;
  const achievedPct = Math.round((1000 * achieved) / scheduled) / 10;
  if (achieved < kMinAchievedShare * scheduled) {
    // Against a realised Poisson rate that differs from the asked one, say so.
    const of = Math.abs(scheduled - asked) >= 0.5 ? ` of the ${count(scheduled)} rec/s its schedule made due` : '';
    reasons.push(`delivered ${count(achieved)} rec/s of ${count(asked)} asked (${achievedPct.toFixed(1)} %${of})`);
  }
  if (input.blockedMicros > 0) {
    reasons.push(`senders blocked ${formatBlocked(input.blockedMicros)} on a full librdkafka queue`);
  }
  if (input.publishDelay && input.publishDelay.p99 > input.maxPublishDelayUs) {
    reasons.push(
      `the generator fell behind its schedule at ${count(asked)} rec/s: publish-delay p99 ${(input.publishDelay.p99 / 1000).toFixed(1)} ms > ${(input.maxPublishDelayUs / 1000).toFixed(1)} ms (--max-publish-delay)`,
    );
  }
  return {
    valid: reasons.length === 0,
    reason: reasons.length === 0 ? null : reasons.join('; '),
    reasons,
    askedRecordsPerSec: asked,
    achievedRecordsPerSec: achieved,
    scheduledRecordsPerSec: Math.round(scheduled * 10) / 10,
    achievedPct,
    blockedMs,
  };
}

function formatBlocked(micros: number): string {
  if (micros >= 1e6) return `${(micros / 1e6).toFixed(1)} s`;
  if (micros >= 1e3) return `${(micros / 1e3).toFixed(1)} ms`;
  return `${Math.round(micros)} µs`;
}
