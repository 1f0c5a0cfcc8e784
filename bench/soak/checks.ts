import type { RunResult } from '../../src/contracts/result.js';

export interface SoakCheck {
  name: string;
  pass: boolean;
  observed: string;
}

/** Largest RSS growth a soak allows after its settling time. */
export const kMaxRssGrowth = 0.1;
/** Each measured interval's rate must be within this share of the asked rate. */
export const kRateTolerance = 0.05;

/**
 * The soak's verdict: RSS after the settling time grows ≤ 10 %, no errors or failed threads,
 * and every measured interval within ±5 % of the asked rate (the last, partial one excluded).
 */
export function judgeSoak(result: RunResult, rss: readonly { atMs: number; rssBytes: number }[], settleMs: number): SoakCheck[] {
  const asked = result.workload.rateRecordsPerSec!;
  const baseline = rss.find((sample) => sample.atMs >= settleMs);
  const peak = Math.max(...rss.filter((sample) => sample.atMs >= settleMs).map((sample) => sample.rssBytes));
  const growth = baseline ? peak / baseline.rssBytes - 1 : Number.NaN;
  const measured = result.intervals.filter((row) => row.phase === 'measure').slice(0, -1);
  const outside = measured.filter((row) => Math.abs(row.recordsPerSec - asked) > kRateTolerance * asked);
  const worst = measured.reduce((far, row) => Math.max(far, Math.abs(row.recordsPerSec / asked - 1)), 0);
  const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return [
    {
      name: `RSS growth after ${Math.round(settleMs / 1000)} s ≤ ${kMaxRssGrowth * 100} %`,
      pass: baseline !== undefined && growth <= kMaxRssGrowth,
      observed: baseline ? `${mib(baseline.rssBytes)} → peak ${mib(peak)} (${(growth * 100).toFixed(1)} %)` : 'no sample after the settling time',
    },
    { name: '0 errors, no failed thread', pass: result.totals.errors === 0 && result.failures.length === 0, observed: `${result.totals.errors} errors, ${result.failures.length} failures` },
    {
      name: `every interval within ±${kRateTolerance * 100} % of ${asked.toLocaleString('en-US')} rec/s`,
      pass: measured.length > 0 && outside.length === 0,
      observed: `${outside.length} of ${measured.length} intervals outside; farthest ${(worst * 100).toFixed(1)} %`,
    },
  ];
}
