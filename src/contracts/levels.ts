import type { NegativeValues, LatencySummary } from '../histogram/merge.js';
import type { ThresholdOutcome, Validity } from './verdicts.js';

/** A latency part of a level, in the run's usual summary shape. */
export type LevelLatency = LatencySummary & { unit: 'us'; negative: NegativeValues; hdr: string };

/**
 * One level of a load schedule (each step of --steps, each stage of --stages whose target holds
 * still): what it asked and what it got, from the merged histograms of that level only. Records
 * belong to the level in which they were acked (consumed, for end-to-end): the cumulative
 * histograms are snapshotted at each level's boundary, and a level is the difference.
 */
export interface LevelResult {
  /** the segment of the schedule, 0-based */
  index: number;
  targetRecordsPerSec: number;
  achievedRecordsPerSec: number;
  acked: number;
  /** ms since the run's go, as interval rows' elapsedMs */
  startMs: number;
  endMs: number;
  validity: Validity;
  latency: { produceAck: LevelLatency; publishDelay: LevelLatency; endToEnd: LevelLatency | null };
  /** --threshold: the latency and rate thresholds judged on this level alone */
  thresholds?: ThresholdOutcome[];
}

/** With --steps and --threshold: the highest level that met every threshold and the first that did not. */
export interface KneeResult {
  /** null when the first level already failed */
  highestPassedRecordsPerSec: number | null;
  /** null when every level passed */
  firstFailedRecordsPerSec: number | null;
  /** why the first failing level failed (thresholds broken, or not valid at its rate) */
  reason: string | null;
}
