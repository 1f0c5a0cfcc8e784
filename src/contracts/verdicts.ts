import type { ThresholdOperator } from '../options/thresholds.js';

/** The verdict on a run, with every reason it is not valid, worded for the user. */
export interface Validity {
  valid: boolean;
  /** the reasons joined, or null when valid */
  reason: string | null;
  reasons: string[];
  askedRecordsPerSec: number | null;
  achievedRecordsPerSec: number | null;
  /** the rate the schedules made due (= asked, for uniform arrivals) */
  scheduledRecordsPerSec: number | null;
  /** achieved ÷ scheduled, % (one decimal) */
  achievedPct: number | null;
  blockedMs: number;
}

/** An observed outage: intervals with no ack while records were outstanding (the result names them `stalls`; an injected pause is options/parse.ts ProducerPause). */
export interface AckOutage {
  /** ms since go: the start of the first interval with no ack while records were outstanding */
  startMs: number;
  /** ms since go: the end of the last such interval in a row */
  endMs: number;
  /** ms from the stall's end until the end of the first interval back at ≥ 90 % of the rate before it; null if it never was, or no rate came before */
  recoveryMs: number | null;
}

/** Whether the cluster kept acknowledging, and what failed how; in every run's result. */
export interface Availability {
  /** stall edges are known to one interval (--interval) */
  resolutionMs: number;
  stalls: AckOutage[];
  longestStallMs: number;
  /** the longest stall's recovery time; null without a stall, or when it never recovered */
  recoveryMs: number | null;
  /** failed records by librdkafka error name (`_MSG_TIMED_OUT`, …), summed over producers */
  errorsByCode: Record<string, number>;
  /** produce request retries (librdkafka statistics `txretries`); null when the client cannot tell (node-rdkafka, null, remote agents) */
  retries: number | null;
}

/** One --threshold's verdict with the value observed. */
export interface ThresholdOutcome {
  threshold: string;
  /** e.g. "produceAck.p99", "rate" */
  metric: string;
  op: ThresholdOperator;
  limit: number;
  /** null: the run did not measure it (no --e2e, not a fixed rate) */
  observed: number | null;
  unit: string;
  pass: boolean;
}
