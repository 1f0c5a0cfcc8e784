import type { StageExpectation } from '../options/stages.js';

/** One observed stage in the JSON result; a field that does not apply to its expectation or trace is null. */
export interface StageResult {
  name: string;
  topic: string;
  expect: StageExpectation;
  /** "header", "timestamp" (whole ms) or "field:NAME" */
  trace: string;
  /** records read from the stage's topic since its group joined, foreign ones included */
  records: number;
  /** records read over the measured window, per second (an aggregate's outputs per second) */
  recordsPerSec: number;
  /** send (the trace) → read from the stage's topic; null when no record carried a trace */
  latency: { count: number; p50: number; p95: number; p99: number; p999: number; max: number; mean: number; unit: 'us'; hdr: string } | null;
  integrity: {
    /** passthrough only: acked input records never read here */
    lost: number | null;
    duplicates: number | null;
    outOfOrder: number | null;
    /**
     * records not of this run: no trace, another run's trace header, or a device or sequence this
     * run did not send; null when some records named no run or device (a bare timestamp), see foreignUnknownReason
     */
    foreign: number | null;
    /** why foreign is null (a stage whose records carry no identity, an aggregate); null when it is counted */
    foreignUnknownReason: string | null;
    /** distinct input records read here / input records acked (a filter's pass rate) */
    passedShare: number | null;
  };
  /** --processor-group: the processor's lag on this stage's input at the end, and its highest */
  processorLag: { group: string; input: string; lastRecords: number | null; maxRecords: number | null } | null;
}

/** One stage's columns of an interval row. */
export interface StageIntervalColumns {
  name: string;
  recordsPerSec: number;
  /** p99 latency of the records read in the interval; null when none was */
  p99Us: number | null;
  /** the processor's lag on the stage's input (log-end − committed offsets), last read; null without --processor-group */
  processorLagRecords: number | null;
}
