import { loadavg } from 'node:os';

/**
 * The order of a round's runs: the plan rotated by the round, so no kind always runs first (a
 * fresh broker, a cold page cache) or last.
 */
export function rotated<T>(plan: readonly T[], round: number): T[] {
  return plan.map((_, i) => plan[(i + round) % plan.length]!);
}

/** The 1, 5 and 15 minute load averages, as printed beside every benchmark figure. */
export function loadAverageText(values: readonly number[] = loadavg()): string {
  return values.map((value) => value.toFixed(2)).join(' ');
}

/** The median of a sample (the upper one of an even count, as every bench table has used). */
export function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** "min – max" of a sample of records/s, whole records, with thousands separators. */
export function spreadText(values: readonly number[]): string {
  const whole = values.map((value) => Math.round(value));
  return `${Math.min(...whole).toLocaleString('en-US')} – ${Math.max(...whole).toLocaleString('en-US')}`;
}
