import type { DeliveryErrors } from '../clients/types.js';
import type { IntervalRow } from '../contracts/result.js';
import type { Availability, AckOutage } from '../contracts/verdicts.js';

/** A stall has recovered once an interval acks at least this share of the rate before it. */
export const kRecoveredShare = 0.9;
/** Intervals before a stall whose mean rate is "the rate before the stall". */
const kRateBeforeIntervals = 3;

/**
 * Stalls from the interval rows: an interval is stalled when no record was acknowledged in it
 * although records sent before it began were still neither acknowledged nor failed. Consecutive
 * stalled intervals are one stall. Pure, so a result file can be re-judged the same way.
 */
export function findStalls(rows: readonly IntervalRow[]): AckOutage[] {
  const stalls: AckOutage[] = [];
  let failedBefore = 0;
  let open: { startMs: number; endMs: number; firstRow: number; lastRow: number } | undefined;
  const close = (): void => {
    if (!open) return;
    stalls.push({ startMs: open.startMs, endMs: open.endMs, recoveryMs: recoveryMs(rows, open.firstRow, open.lastRow) });
    open = undefined;
  };
  rows.forEach((row, index) => {
    const previous = index === 0 ? undefined : rows[index - 1]!;
    const outstandingAtStart = previous ? previous.totalSent - previous.totalAcked - failedBefore : 0;
    const stalled = outstandingAtStart > 0 && row.totalAcked === previous!.totalAcked;
    if (stalled) {
      if (open) Object.assign(open, { endMs: row.elapsedMs, lastRow: index });
      else open = { startMs: previous!.elapsedMs, endMs: row.elapsedMs, firstRow: index, lastRow: index };
    } else close();
    failedBefore += row.errors;
  });
  close();
  return stalls;
}

function recoveryMs(rows: readonly IntervalRow[], firstRow: number, lastRow: number): number | null {
  const before = rows.slice(Math.max(0, firstRow - kRateBeforeIntervals), firstRow).map((row) => row.recordsPerSec);
  if (before.length === 0) return null;
  const rateBefore = before.reduce((sum, rate) => sum + rate, 0) / before.length;
  if (rateBefore <= 0) return null;
  const stallEndMs = rows[lastRow]!.elapsedMs;
  for (let index = lastRow + 1; index < rows.length; index++) {
    if (rows[index]!.recordsPerSec >= kRecoveredShare * rateBefore) return rows[index]!.elapsedMs - stallEndMs;
  }
  return null;
}

/** Stalls, the longest and its recovery, and the producers' failures by code and retries. */
export function judgeAvailability(rows: readonly IntervalRow[], intervalMs: number, deliveryErrors: readonly (DeliveryErrors | undefined)[]): Availability {
  const stalls = findStalls(rows);
  let longest: AckOutage | undefined;
  for (const stall of stalls) if (!longest || stall.endMs - stall.startMs > longest.endMs - longest.startMs) longest = stall;
  const errorsByCode: Record<string, number> = {};
  let retries: number | null = null;
  for (const fault of deliveryErrors) {
    if (!fault) continue;
    for (const [code, count] of Object.entries(fault.errorsByCode)) errorsByCode[code] = (errorsByCode[code] ?? 0) + count;
    retries = (retries ?? 0) + fault.retries;
  }
  return {
    resolutionMs: intervalMs,
    stalls,
    longestStallMs: longest ? longest.endMs - longest.startMs : 0,
    recoveryMs: longest?.recoveryMs ?? null,
    errorsByCode,
    retries,
  };
}
