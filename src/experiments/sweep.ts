import type { RunResult } from '../contracts/result.js';
import { specOf } from '../options/schema.js';
import type { SweepAxis, SweepObjective, SweepPointValues } from '../options/sweep.js';
import { resolveWorkload, type RawOptions } from '../options/workload.js';
import type { Workload } from '../options/workload-shape.js';
import { hostFacts, runtimeName, runtimeVersion, type HostFacts } from '../runtime.js';
import { runWorkload, type RunHooks } from '../run/runner.js';
import { toolVersion } from '../version.js';
import { bestPoint, summarizePoint, type BestPoint, type SweepPoint } from './sweep-point.js';

/** A point ready to run: its values and the whole workload they make. */
export interface PlannedPoint {
  values: SweepPointValues;
  workload: Workload;
}

/** The JSON `stampede sweep` writes, rewritten after every point so an interruption keeps what finished. */
export interface SweepResult {
  schemaVersion: 1;
  kind: 'sweep';
  tool: { name: 'stampede'; version: string };
  status: 'running' | 'ok' | 'interrupted';
  startedAt: string;
  finishedAt: string;
  vary: SweepAxis[];
  zip: boolean;
  objective: SweepObjective;
  /** every point runs with this seed, so the points differ only in what was varied */
  seed: number;
  plannedPoints: number;
  /** the workload of the first point, as resolved (each point's own is in its result file) */
  workload: Workload;
  host: HostFacts;
  runtime: { name: string; version: string };
  points: SweepPoint[];
  best: BestPoint;
}

/** Kinds whose flag repeats: a varied value is one more entry (props add to the base's, others replace them). */
function rawValue(name: string, value: string, base: unknown): unknown {
  const kind = specOf('run', name).kind.type;
  if (kind === 'props') return [...(Array.isArray(base) ? base : base === undefined ? [] : [base]), value];
  if (kind === 'thresholds' || kind === 'strings' || kind === 'observe-list') return [value];
  return value;
}

/**
 * Every point's workload, resolved before anything runs so a bad value fails the whole sweep at
 * once (exit 2) instead of at its point. A point writes to its own topic, `<topic>-<suffix>-<n>`,
 * created with its own partitions; the seed is the same for all.
 */
export function planSweep(fromFile: RawOptions, fromFlags: RawOptions, workloadFile: string | undefined, points: readonly SweepPointValues[], suffix: string): PlannedPoint[] {
  return points.map((values, index) => {
    const raw: Record<string, unknown> = { ...fromFlags };
    for (const [name, value] of Object.entries(values)) raw[name] = rawValue(name, value, (fromFlags as Record<string, unknown>)[name] ?? (fromFile as Record<string, unknown>)[name]);
    const workload = resolveWorkload(fromFile, raw as RawOptions, workloadFile);
    return { values, workload: { ...workload, topic: `${workload.topic}-${suffix}-${index + 1}`, out: undefined, html: undefined, hgrm: undefined, csv: undefined, metricsPort: undefined } };
  });
}

export interface SweepHooks extends Pick<RunHooks, 'onInterval' | 'onNotice'> {
  signal?: AbortSignal;
  /** a point is starting; etaMs is the time the sweep has left, this point included */
  onPointStart?(index: number, planned: PlannedPoint, etaMs: number): void;
  /** a point finished: its whole result and the sweep so far (to write at once) */
  onPointDone?(point: SweepPoint, result: RunResult, sweep: SweepResult): void;
}

export interface SweepSettings {
  vary: SweepAxis[];
  zip: boolean;
  objective: SweepObjective;
  /** where point n's whole result is written (the sweep's JSON names it) */
  pointFile(index: number): string;
}

/** A point's expected wall time before any point has run: warmup, measured time, drain with consumers, and setup. */
const plannedMs = (workload: Workload): number => workload.warmupMs + workload.durationMs + (workload.e2e || workload.stages.length > 0 ? 2_000 : 0) + 3_000;

function emptySweep(plan: readonly PlannedPoint[], settings: SweepSettings): SweepResult {
  const startedAt = new Date().toISOString();
  return {
    schemaVersion: 1, kind: 'sweep', tool: { name: 'stampede', version: toolVersion }, status: 'running', startedAt, finishedAt: startedAt,
    vary: settings.vary, zip: settings.zip, objective: settings.objective, seed: plan[0]!.workload.seed, plannedPoints: plan.length,
    workload: plan[0]!.workload, host: hostFacts(), runtime: { name: runtimeName(), version: runtimeVersion() }, points: [], best: bestPoint([], settings.objective),
  };
}

/**
 * Runs the points one after another, each a whole run (threads here, or agents on --hosts). An
 * abort ends the running point as a run ends on Ctrl-C (producing stops, acks drain), keeps it
 * with its status, and starts no other.
 */
export async function runSweep(plan: readonly PlannedPoint[], settings: SweepSettings, hooks: SweepHooks = {}): Promise<SweepResult> {
  const sweep = emptySweep(plan, settings);
  const runHooks: RunHooks = { ...(hooks.signal ? { signal: hooks.signal } : {}), ...(hooks.onInterval ? { onInterval: hooks.onInterval } : {}), ...(hooks.onNotice ? { onNotice: hooks.onNotice } : {}) };
  let spentMs = 0;
  for (const [index, planned] of plan.entries()) {
    if (hooks.signal?.aborted) break;
    const perPointMs = index === 0 ? plannedMs(planned.workload) : spentMs / index;
    hooks.onPointStart?.(index, planned, Math.round(perPointMs * (plan.length - index)));
    const startedMs = performance.now();
    const result = await runWorkload(planned.workload, runHooks);
    const wallMs = performance.now() - startedMs;
    spentMs += wallMs;
    const point = summarizePoint(index, planned.values, result, settings.pointFile(index), wallMs);
    sweep.points.push(point);
    sweep.best = bestPoint(sweep.points, settings.objective);
    sweep.finishedAt = new Date().toISOString();
    if (hooks.signal?.aborted || result.status === 'interrupted') sweep.status = 'interrupted';
    hooks.onPointDone?.(point, result, sweep);
  }
  sweep.status = sweep.points.length === plan.length && sweep.status !== 'interrupted' ? 'ok' : 'interrupted';
  sweep.finishedAt = new Date().toISOString();
  return sweep;
}
