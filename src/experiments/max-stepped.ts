import type { KneeResult } from '../contracts/levels.js';
import type { RunResult } from '../contracts/result.js';
import type { LoadSchedule } from '../options/schedule.js';
import type { Workload } from '../options/workload-shape.js';
import { runWorkload, type RunHooks } from '../run/runner.js';
import { roundedRate, type SearchStep, type StopReason } from './max-search.js';
import { judgeStep, type MaxStep } from './max-step.js';
import { confirmationOf, type MaxConfirmation } from './max-confirm.js';

/** What `max --method steps` keeps of its stepped run: each level in brief, and the knee. */
export interface SteppedSearch {
  schedule: string;
  levels: { targetRecordsPerSec: number; achievedRecordsPerSec: number; valid: boolean; produceAckP99Us: number | null; pass: boolean }[];
  knee: KneeResult | null;
}

export interface SteppedSettings {
  floorRecordsPerSec: number;
  maxRecordsPerSec: number;
  /** levels of the stepped run */
  levels: number;
  holdMs: number;
}

/**
 * Evenly spaced levels from the floor up to the measured max (the last at or under it), each held
 * for the step duration: the curve the knee is read from.
 */
export function steppedSchedule(settings: SteppedSettings): LoadSchedule {
  const count = Math.max(2, settings.levels);
  const exact = (settings.maxRecordsPerSec - settings.floorRecordsPerSec) / (count - 1);
  // A round step when it keeps the top level at or under the max, else the exact one.
  const step = Math.max(1, settings.floorRecordsPerSec + (count - 1) * roundedRate(exact) <= settings.maxRecordsPerSec ? roundedRate(exact) : Math.floor(exact));
  const segments = [];
  for (let level = settings.floorRecordsPerSec, i = 0; i < count && level <= settings.maxRecordsPerSec; i++, level += step) segments.push({ durationMs: settings.holdMs, fromRecordsPerSec: level, toRecordsPerSec: level });
  const last = segments[segments.length - 1]!.toRecordsPerSec;
  return { kind: 'steps', text: `${settings.floorRecordsPerSec}..${last}/${step}@${settings.holdMs / 1000}s`, segments };
}

export interface SteppedOutcome {
  stepped: SteppedSearch;
  answerRecordsPerSec: number | null;
  failedAtRecordsPerSec: number | null;
  stoppedBecause: StopReason;
  /** a run failed (its failures are on the run): the search stopped */
  failedRun: RunResult | null;
  /** the fixed-rate run that confirmed the answer; null without one */
  confirmation: MaxConfirmation | null;
}

function summarize(run: RunResult, schedule: LoadSchedule): SteppedSearch {
  return {
    schedule: schedule.text,
    levels: (run.levels ?? []).map((level) => ({
      targetRecordsPerSec: level.targetRecordsPerSec,
      achievedRecordsPerSec: level.achievedRecordsPerSec,
      valid: level.validity.valid,
      produceAckP99Us: level.latency.produceAck.count > 0 ? level.latency.produceAck.p99 : null,
      pass: level.validity.valid && (level.thresholds ?? []).every((outcome) => outcome.pass),
    })),
    knee: run.knee ?? null,
  };
}

/**
 * `max --method steps`: one stepped run judged level by level against the SLO gives the knee; one
 * fixed-rate run at the knee's level confirms it. When that run fails (a level is shorter than a
 * step, and records count where they were acked), the next lower passing level is confirmed instead.
 */
export async function searchBySteps(
  workload: Workload,
  settings: SteppedSettings & { slo: Workload['thresholds']; stepWorkload(rate: number | undefined): Workload },
  hooks: RunHooks & { onStepped?(stepped: SteppedSearch): void; onStep?(step: SearchStep<MaxStep>): void },
): Promise<SteppedOutcome & { steps: MaxStep[] }> {
  const schedule = steppedSchedule(settings);
  const peak = schedule.segments[schedule.segments.length - 1]!.toRecordsPerSec;
  const base = settings.stepWorkload(peak);
  const run = await runWorkload({ ...base, loadSchedule: schedule, rateRecordsPerSec: peak, durationMs: schedule.segments.length * settings.holdMs, thresholds: settings.slo }, hooks);
  const stepped = summarize(run, schedule);
  const steps: MaxStep[] = [];
  const done = (answer: number | null, failedAt: number | null, stoppedBecause: StopReason, failedRun: RunResult | null = null, confirmation: MaxConfirmation | null = null) => ({ stepped, answerRecordsPerSec: answer, failedAtRecordsPerSec: failedAt, stoppedBecause, failedRun, confirmation, steps });
  if (run.failures.length > 0) return done(null, null, 'floor-failed', run);
  if (run.status === 'interrupted') return done(null, null, 'interrupted');
  hooks.onStepped?.(stepped);
  // The passing levels below the knee, highest first: the candidates to confirm.
  const firstFailed = stepped.knee?.firstFailedRecordsPerSec ?? null;
  const candidates = stepped.levels.filter((level) => level.pass && (firstFailed === null || level.targetRecordsPerSec < firstFailed)).map((level) => level.targetRecordsPerSec).reverse();
  let failedAt = firstFailed;
  for (const asked of candidates) {
    if (hooks.signal?.aborted) return done(null, failedAt, 'interrupted');
    const confirm = await runWorkload(settings.stepWorkload(asked), hooks);
    if (confirm.failures.length > 0) return done(null, failedAt, 'floor-failed', confirm);
    if (confirm.status === 'interrupted') return done(null, failedAt, 'interrupted');
    const step = judgeStep(confirm, asked, settings.slo);
    steps.push(step);
    hooks.onStep?.({ index: steps.length, askedRecordsPerSec: asked, verdict: step });
    if (step.pass) return done(asked, failedAt, 'knee-confirmed', null, confirmationOf(confirm, step));
    failedAt = asked;
  }
  return done(null, failedAt, 'floor-failed');
}
