import type { KneeResult } from '../contracts/levels.js';
import type { RunResult } from '../contracts/result.js';
import type { SweepObjective, SweepPointValues } from '../options/sweep.js';

/** One point of a sweep: the values it varied, and that run's result in summary. */
export interface SweepPoint {
  /** 0-based, in the order the points ran */
  index: number;
  values: SweepPointValues;
  topic: string;
  /** the point's whole result, beside the sweep's JSON */
  resultFile: string;
  status: RunResult['status'];
  startedAt: string;
  wallMs: number;
  partitions: number | null;
  workers: number;
  acked: number;
  errors: number;
  recordsPerSec: number;
  mbPerSec: number;
  /** produce→ack, µs, from the point's merged histogram */
  latency: { p50Us: number; p99Us: number; p999Us: number; maxUs: number };
  /** --e2e: end-to-end p99, µs */
  endToEndP99Us: number | null;
  /** the whole process's CPU seconds per million acked records, measured window */
  cpuSecPerMillionRecords: number | null;
  valid: boolean;
  validityReason: string | null;
  /** --steps with --threshold: that point's knee */
  knee: KneeResult | null;
  /** worker failures, one line each */
  failures: string[];
}

/** Statuses whose figures do not describe the asked workload: such a point is never the best. */
const kNotComparable: ReadonlySet<RunResult['status']> = new Set(['failed', 'interrupted', 'timed-out', 'integrity-failed']);

/** The summary a sweep keeps of one finished run. */
export function summarizePoint(index: number, values: SweepPointValues, result: RunResult, resultFile: string, wallMs: number): SweepPoint {
  const produceAck = result.latency.produceAck;
  const endToEnd = result.latency.endToEnd;
  return {
    index,
    values,
    topic: result.topic?.name ?? result.workload.topic,
    resultFile,
    status: result.status,
    startedAt: result.startedAt,
    wallMs: Math.round(wallMs),
    partitions: result.topic?.partitions ?? null,
    workers: result.workload.effectiveWorkers,
    acked: result.totals.acked,
    errors: result.totals.errors,
    recordsPerSec: result.totals.recordsPerSec,
    mbPerSec: result.totals.mbPerSec,
    latency: { p50Us: produceAck.p50, p99Us: produceAck.p99, p999Us: produceAck.p999, maxUs: produceAck.max },
    endToEndP99Us: endToEnd && endToEnd.count > 0 ? endToEnd.p99 : null,
    cpuSecPerMillionRecords: result.generator?.cpuSecPerMillionAcked ?? null,
    valid: result.validity.valid && !kNotComparable.has(result.status) && result.failures.length === 0,
    validityReason: result.validity.reason ?? (result.failures.length > 0 ? 'a worker failed' : kNotComparable.has(result.status) ? result.status : null),
    knee: result.knee ?? null,
    failures: result.failures.map((failure) => failure.message),
  };
}

/** What an objective ranks on, and whether higher is better. */
const kObjectives: Readonly<Record<SweepObjective, { value: (point: SweepPoint) => number | null; higherIsBetter: boolean; what: string }>> = {
  'max-throughput': { value: (point) => point.recordsPerSec, higherIsBetter: true, what: 'the highest acked records/s' },
  'min-p99': { value: (point) => (point.acked > 0 ? point.latency.p99Us : null), higherIsBetter: false, what: 'the lowest produce→ack p99' },
  'min-cpu': { value: (point) => point.cpuSecPerMillionRecords, higherIsBetter: false, what: 'the fewest CPU seconds per million records' },
};

export interface BestPoint {
  objective: SweepObjective;
  /** null when no point was valid and measured what the objective ranks on */
  index: number | null;
  why: string;
}

/** The best valid point by the objective; the first of equals wins, so the answer is stable. */
export function bestPoint(points: readonly SweepPoint[], objective: SweepObjective): BestPoint {
  const rank = kObjectives[objective];
  let best: { index: number; value: number } | null = null;
  for (const point of points) {
    const value = rank.value(point);
    if (!point.valid || value === null) continue;
    if (best === null || (rank.higherIsBetter ? value > best.value : value < best.value)) best = { index: point.index, value };
  }
  if (best === null) return { objective, index: null, why: `no valid point measured ${rank.what.replace(/^the (highest|lowest|fewest) /, '')}` };
  return { objective, index: best.index, why: `${rank.what} among the ${points.filter((point) => point.valid).length} valid point(s)` };
}
