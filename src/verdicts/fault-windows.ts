import type { IntervalRow } from '../contracts/result.js';
import type { ClusterFaultEvent, ErrorCodeSample, FaultWindowStats } from '../contracts/faults.js';
import { kRecoveredShare } from './availability.js';

/** Intervals before a fault whose rate and latency are "before". */
const kBeforeIntervals = 5;
/** Recovered once p99 is under this multiple of the p99 before the fault (and the rate back to kRecoveredShare). */
export const kRecoveredP99Factor = 2;

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function windowStats(rows: readonly IntervalRow[], intervalMs: number): FaultWindowStats | null {
  if (rows.length === 0) return null;
  const e2e = rows.map((row) => row.e2eP99Us).filter((value): value is number => value !== undefined);
  return {
    fromMs: rows[0]!.elapsedMs - intervalMs,
    toMs: rows[rows.length - 1]!.elapsedMs,
    recordsPerSec: Math.round(rows.reduce((sum, row) => sum + row.recordsPerSec, 0) / rows.length),
    // An interval without an ack has no latency to speak of (its p50 reads 0): left out.
    p50Us: median(rows.filter((row) => row.recordsPerSec > 0).map((row) => row.p50Us)),
    p99Us: Math.max(...rows.map((row) => row.p99Us)),
    e2eP99Us: e2e.length > 0 ? Math.max(...e2e) : null,
    errors: rows.reduce((sum, row) => sum + row.errors, 0),
  };
}

/** A thread's cumulative counts at `atMs`: its last read by then, give or take half an interval (its reads and the rows' ends are apart by timer jitter). */
function countsAt(samples: readonly ErrorCodeSample[], atMs: number, intervalMs: number): Record<string, number> {
  let found: Record<string, number> = {};
  for (const sample of samples) {
    if (sample.atMs > atMs + intervalMs / 2) break;
    found = sample.errorsByCode;
  }
  return found;
}

/** Failed records by error name between two times after go (toMs Infinity: to the threads' last read), summed over the producer threads. */
export function errorsByCodeBetween(timelines: readonly (readonly ErrorCodeSample[])[], fromMs: number, toMs: number, intervalMs: number): Record<string, number> {
  const total: Record<string, number> = {};
  for (const samples of timelines) {
    const from = countsAt(samples, fromMs, intervalMs);
    const to = countsAt(samples, toMs, intervalMs);
    for (const [code, count] of Object.entries(to)) {
      const added = count - (from[code] ?? 0);
      if (added > 0) total[code] = (total[code] ?? 0) + added;
    }
  }
  return total;
}

const healthy = (row: IntervalRow, before: FaultWindowStats): boolean => row.recordsPerSec >= kRecoveredShare * before.recordsPerSec && row.p99Us < kRecoveredP99Factor * before.p99Us;

/**
 * Before, during and recovery of one fault from the run's interval rows (elapsedMs = an interval's
 * end after go). Recovery counts from the fault's start: the first hurt interval, then the first
 * healthy one after it; 0 when no interval was hurt.
 */
export function judgeFaultWindow(event: ClusterFaultEvent, rows: readonly IntervalRow[], intervalMs: number, runEndMs: number, errorCodes?: readonly (readonly ErrorCodeSample[])[]): void {
  const beforeRows = rows.filter((row) => row.elapsedMs <= event.startMs).slice(-kBeforeIntervals);
  const endMs = event.endMs ?? runEndMs;
  const duringRows = rows.filter((row) => row.elapsedMs > event.startMs && row.elapsedMs - intervalMs < Math.max(endMs, event.startMs + 1));
  const afterRows = rows.filter((row) => row.elapsedMs - intervalMs >= endMs);
  event.before = windowStats(beforeRows, intervalMs);
  event.during = windowStats(duringRows, intervalMs);
  event.after = windowStats(afterRows, intervalMs);
  if (errorCodes !== undefined && errorCodes.length > 0) {
    // The last window runs to the threads' last read: failures of records purged at close count there.
    for (const window of [event.before, event.during, event.after]) {
      if (window) window.errorsByCode = errorsByCodeBetween(errorCodes, window.fromMs, window === event.after ? Infinity : window.toMs, intervalMs);
    }
  }
  const before = event.before;
  if (before === null || before.recordsPerSec <= 0) {
    event.recoveryMs = null;
    return;
  }
  const after = rows.filter((row) => row.elapsedMs > event.startMs);
  const hurt = after.findIndex((row) => !healthy(row, before));
  if (hurt < 0) {
    event.recoveryMs = 0;
    return;
  }
  const back = after.slice(hurt).find((row) => healthy(row, before));
  event.recoveryMs = back === undefined ? null : back.elapsedMs - event.startMs;
}
