import { optionError } from '../errors.js';
import type { RateSegment } from '../records/rate-profile.js';
import { parseDurationMs } from './duration.js';

/**
 * A load schedule: the rate a run asks over time, instead of one --rate. `stages` ramp linearly from
 * the previous target (0 before the first) to each target over the stage's duration, as k6's
 * ramping-arrival-rate executor does; `steps` are stairs, each level held for the same time.
 */
export interface LoadSchedule {
  kind: 'stages' | 'steps';
  /** as the user wrote it, for the result and the summary */
  text: string;
  /** total rates (all workers), in order */
  segments: RateSegment[];
}

/** Levels a --steps schedule may hold: enough for any sweep, few enough to print. */
const kMaxLevels = 1_000;

/** "50k", "1.5M", "2000": records/s, at least 0; a whole number once the suffix is applied. */
export function parseScheduleRate(field: string, raw: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kKmM]?)$/.exec(raw.trim());
  const value = match ? Number(match[1]) * ({ k: 1e3, m: 1e6 }[match[2]!.toLowerCase() as 'k' | 'm'] ?? 1) : NaN;
  if (!Number.isSafeInteger(Math.round(value)) || Math.abs(value - Math.round(value)) > 1e-9) {
    throw optionError(field, 'made of rates that are whole records/s of 0 or more, such as 500, 50k or 1.5M', raw);
  }
  return Math.round(value);
}

/** The entries of a flag's comma list, or of a YAML list (strings, or k6's {duration, target} mappings). */
function entriesOf(raw: unknown): string[] {
  if (Array.isArray(raw)) {
    return raw.map((entry) => (entry !== null && typeof entry === 'object' ? `${String((entry as Record<string, unknown>).duration)}:${String((entry as Record<string, unknown>).target)}` : String(entry)));
  }
  return String(raw).split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
}

/** --stages 30s:50k,2m:500k,1m:500k,30s:0 (duration:target, ramping from the previous target). */
export function parseStages(field: string, raw: unknown): LoadSchedule {
  const entries = entriesOf(raw);
  if (entries.length === 0) throw optionError(field, 'a list of duration:target stages such as 30s:50k,2m:500k', raw);
  let previous = 0;
  const segments = entries.map((entry) => {
    const colon = entry.lastIndexOf(':');
    if (colon <= 0) throw optionError(field, 'a list of duration:target stages such as 30s:50k,2m:500k', entry);
    const durationMs = parseDurationMs(field, entry.slice(0, colon), 1);
    const target = parseScheduleRate(field, entry.slice(colon + 1));
    const segment = { durationMs, fromRecordsPerSec: previous, toRecordsPerSec: target };
    previous = target;
    return segment;
  });
  return checked(field, raw, { kind: 'stages', text: entries.join(','), segments });
}

/** --steps 50k..500k/50k@30s: levels from the first to the last, the step apart, each held that long. */
export function parseSteps(field: string, raw: unknown): LoadSchedule {
  const text = String(raw).trim();
  const match = /^([^.@/]+)\.\.([^.@/]+)\/([^@]+)@(.+)$/.exec(text);
  if (!match) throw optionError(field, 'levels as FROM..TO/STEP@HOLD, such as 50k..500k/50k@30s', raw);
  const from = parseScheduleRate(field, match[1]!);
  const to = parseScheduleRate(field, match[2]!);
  const step = parseScheduleRate(field, match[3]!);
  const holdMs = parseDurationMs(field, match[4]!, 1);
  if (step === 0) throw optionError(field, 'levels with a step above 0, such as 50k..500k/50k@30s', raw);
  if (to < from) throw optionError(field, 'levels whose last (after ..) is at least the first', raw);
  if ((to - from) % step !== 0) throw optionError(field, `levels whose step divides ${to - from} (the span from first to last)`, raw);
  if ((to - from) / step + 1 > kMaxLevels) throw optionError(field, `at most ${kMaxLevels} levels`, raw);
  const segments: RateSegment[] = [];
  for (let level = from; level <= to; level += step) segments.push({ durationMs: holdMs, fromRecordsPerSec: level, toRecordsPerSec: level });
  return checked(field, raw, { kind: 'steps', text, segments });
}

function checked(field: string, raw: unknown, schedule: LoadSchedule): LoadSchedule {
  if (peakRecordsPerSec(schedule) === 0) throw optionError(field, 'a schedule that asks some records (every rate is 0)', raw);
  return schedule;
}

export const peakRecordsPerSec = (schedule: LoadSchedule): number => Math.max(...schedule.segments.map((s) => Math.max(s.fromRecordsPerSec, s.toRecordsPerSec)));
export const scheduleDurationMs = (schedule: LoadSchedule): number => schedule.segments.reduce((sum, s) => sum + s.durationMs, 0);

/** The rate warmup runs at: the first level's (the first stage's target). */
export const warmupRecordsPerSec = (schedule: LoadSchedule): number => schedule.segments[0]!.toRecordsPerSec;
