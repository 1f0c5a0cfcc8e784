import { optionError } from '../errors.js';

/**
 * The longest duration any option takes: a week. Node's timers hold at most 2^31−1 ms (24.8 days);
 * a longer delay fires after 1 ms with a warning, so an unbounded --timeout ended a run at once and
 * an unbounded --interval ticked every millisecond. A week keeps a sum of three well under that.
 */
export const kLongestDurationMs = 7 * 24 * 3_600_000;

/** "168h" rather than "604800000 ms": bounds are read by people. */
export function describeDurationMs(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** Parses "30s", "500ms", "2m", "1h" or a bare number of seconds into milliseconds, from minMs to maxMs. */
export function parseDurationMs(field: string, raw: unknown, minMs = 0, maxMs = kLongestDurationMs): number {
  const text = String(raw).trim();
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(text);
  if (!match) throw optionError(field, 'a duration such as 30s, 500ms, 2m', raw);
  const value = Number(match[1]);
  const unitMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 's'] ?? 1000;
  const durationMs = Math.round(value * unitMs);
  if (durationMs < minMs) throw optionError(field, `a duration of at least ${minMs} ms`, raw);
  if (!(durationMs <= maxMs)) throw optionError(field, `a duration of at most ${describeDurationMs(maxMs)}`, raw);
  return durationMs;
}
