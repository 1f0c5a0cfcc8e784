import { setTimeout as sleep } from 'node:timers/promises';
import { isUserFacing, StampedeError } from '../errors.js';
import type { Threshold } from '../options/thresholds.js';
import { hostFacts, runtimeName, runtimeVersion, type HostFacts } from '../runtime.js';
import { toolVersion } from '../version.js';
import { runWorkload, type RunHooks } from '../run/runner.js';
import { judgeStep, type MaxStep } from './max-step.js';
import { confirmationOf, type MaxConfirmation } from './max-confirm.js';
import { searchBySteps, type SteppedSearch } from './max-stepped.js';
import { roundedRate, searchMaxRate, type SearchStep, type StopReason } from './max-search.js';
import type { RunResult, WorkerFailure } from '../contracts/result.js';
import type { Workload } from '../options/workload-shape.js';

/** What `stampede max` searches with, beside the workload. */
export interface MaxSettings {
  slo: Threshold[];
  /** undefined: 1 % of the measured max (at least one record/s per worker) */
  floorRecordsPerSec: number | undefined;
  /** each step's measured window, and the max-throughput run's */
  stepDurationMs: number;
  /** sent before each measured window and left out of it, so client and broker queues are full when it opens */
  stepWarmupMs: number;
  /**
   * Idle time before the first step, after the max-throughput run: the broker finishes writing that
   * run's backlog before a step is judged, not during its window. Measured: a floor step 2 s after
   * a 308,000 rec/s max run saw p99 827 ms at 3,080 rec/s, settling to ~10 ms only 6 s in.
   * Default: the step duration. After a failed step (a smaller backlog) the pause is the step warmup.
   */
  settleAfterMaxMs?: number;
  maxSteps: number;
  /** 0.05 = stop once the bracket is within 5 % */
  precision: number;
  /** bisect (the default): fixed-rate steps; steps: one stepped run finds the knee, a fixed-rate run confirms it */
  method?: 'bisect' | 'steps';
}

/** The as-fast-as-possible run the search is bounded by. */
export interface MaxThroughput {
  recordsPerSec: number;
  produceAckP99Us: number;
  measuredMs: number;
  startedAt: string;
}

/** The JSON result of `stampede max`, schemaVersion 1. Rates are records/s, latencies µs. */
export interface MaxResult {
  schemaVersion: 1;
  kind: 'max';
  tool: { name: 'stampede'; version: string };
  /**
   * ok: an answer, met again by the confirming run; not-confirmed: a step passed at the answer but
   * the confirming run at it did not (the answer sits on the edge); no-answer: even the floor
   * failed, or it is above the max; failed: a run failed; interrupted: Ctrl-C
   */
  status: 'ok' | 'not-confirmed' | 'no-answer' | 'failed' | 'interrupted';
  startedAt: string;
  finishedAt: string;
  /** the SLO as the user wrote it */
  slo: string[];
  settings: { floorRecordsPerSec: number | null; floorFrom: 'flag' | 'measured max'; stepDurationMs: number; stepWarmupMs: number; settleAfterMaxMs: number; settleAfterFailedStepMs: number; maxSteps: number; precisionPct: number; method?: 'bisect' | 'steps' };
  workload: Workload;
  /** the producers' librdkafka settings, as the runs used them */
  librdkafka: Record<string, string>;
  topic: RunResult['topic'];
  host: HostFacts;
  runtime: { name: string; version: string };
  maxThroughput: MaxThroughput | null;
  steps: MaxStep[];
  answer: {
    /** the highest asked rate a step passed at; null when none did */
    recordsPerSec: number | null;
    /** the lowest asked rate a step failed at; null when none did */
    failedAtRecordsPerSec: number | null;
    /** (bracket top − answer) ÷ top, %; the top is the failed rate, or the measured max when no step failed */
    bracketPct: number | null;
    stoppedBecause: StopReason | 'failed';
  };
  /** the fixed-rate run at the answer that ended the search (on every host with --hosts); null without an answer or when cut short before it */
  confirmation: MaxConfirmation | null;
  failures: WorkerFailure[];
  notices: string[];
  /** --method steps: the stepped run's levels and knee (the confirming runs are in steps) */
  stepped?: SteppedSearch;
}

export interface MaxHooks {
  signal?: AbortSignal;
  onNotice?(text: string): void;
  /** the max-throughput run is starting */
  onMeasuring?(): void;
  onMeasured?(throughput: MaxThroughput): void;
  onStepStart?(index: number, askedRecordsPerSec: number): void;
  onStep?(step: SearchStep<MaxStep>): void;
  /** --method steps: the stepped run finished, its knee read */
  onStepped?(stepped: SteppedSearch): void;
  /** bisect: the confirming run at the answer is starting, and its verdict */
  onConfirming?(recordsPerSec: number): void;
  onConfirmed?(confirmation: MaxConfirmation): void;
}

/** A step is a fixed-rate run of the workload: no --records, no reports of its own, the step's window. */
function stepWorkload(workload: Workload, settings: MaxSettings, rateRecordsPerSec: number | undefined): Workload {
  return { ...workload, rateRecordsPerSec, loadSchedule: undefined, records: undefined, durationMs: settings.stepDurationMs, warmupMs: settings.stepWarmupMs, thresholds: [], metricsPort: undefined, html: undefined, hgrm: undefined, csv: undefined, out: undefined };
}

/** 1 % of the measured max, rounded, never below one record/s per worker. */
export const defaultFloor = (maxRecordsPerSec: number, workers: number): number => Math.max(workers, roundedRate(maxRecordsPerSec / 100));

/** The hooks of every run of a search: each notice passed on once (every run says the same things: topic exists, …), the hosts named once. */
function searchRunHooks(hooks: MaxHooks, notices: string[]): RunHooks {
  const seen = new Set<string>();
  const onNotice = (text: string): void => {
    if (seen.has(text)) return;
    seen.add(text);
    notices.push(text);
    hooks.onNotice?.(text);
  };
  return {
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    onNotice,
    onHostsConnected: (hosts) => onNotice(`every run of the search produces from ${hosts.length} hosts: ${hosts.map((host) => host.name).join(', ')}`),
  };
}

/** The result before anything ran: settings, workload and host; steps and answer filled in as the search goes. */
function emptyMaxResult(workload: Workload, settings: MaxSettings, notices: string[]): MaxResult {
  const startedAt = new Date().toISOString();
  return {
    schemaVersion: 1,
    kind: 'max',
    tool: { name: 'stampede', version: toolVersion },
    status: 'failed',
    startedAt,
    finishedAt: startedAt,
    slo: settings.slo.map((threshold) => threshold.source),
    settings: { floorRecordsPerSec: settings.floorRecordsPerSec ?? null, floorFrom: settings.floorRecordsPerSec === undefined ? 'measured max' : 'flag', stepDurationMs: settings.stepDurationMs, stepWarmupMs: settings.stepWarmupMs, settleAfterMaxMs: settings.settleAfterMaxMs ?? settings.stepDurationMs, settleAfterFailedStepMs: settings.stepWarmupMs, maxSteps: settings.maxSteps, precisionPct: Math.round(settings.precision * 1e4) / 100, method: settings.method ?? 'bisect' },
    workload,
    librdkafka: {},
    topic: null,
    host: hostFacts(),
    runtime: { name: runtimeName(), version: runtimeVersion() },
    maxThroughput: null,
    steps: [],
    answer: { recordsPerSec: null, failedAtRecordsPerSec: null, bracketPct: null, stoppedBecause: 'failed' },
    confirmation: null,
    failures: [],
    notices,
  };
}

/**
 * `stampede max`: measure the max throughput of the workload (as fast as possible), then bisect with
 * open-loop fixed-rate steps between the floor and that max (src/experiments/max-search.ts). Every run
 * is a whole run (threads here, or agents on --hosts) on the same broker and topic.
 */
export async function findMaxRate(workload: Workload, settings: MaxSettings, hooks: MaxHooks = {}): Promise<MaxResult> {
  const notices: string[] = [];
  const runHooks = searchRunHooks(hooks, notices);
  const result = emptyMaxResult(workload, settings, notices);
  const finish = (status: MaxResult['status']): MaxResult => ({ ...result, status, finishedAt: new Date().toISOString() });
  // A run that failed (a thread died, the broker refused) ends the search: its numbers mean nothing.
  const failedRun = (run: RunResult): boolean => {
    if (run.failures.length === 0) return false;
    result.failures = run.failures;
    return true;
  };

  hooks.onMeasuring?.();
  const fastest = await runWorkload(stepWorkload(workload, settings, undefined), runHooks);
  result.librdkafka = fastest.librdkafka;
  result.topic = fastest.topic;
  if (failedRun(fastest)) return finish('failed');
  if (fastest.status === 'interrupted') return finish('interrupted');
  result.maxThroughput = { recordsPerSec: fastest.totals.recordsPerSec, produceAckP99Us: fastest.latency.produceAck.p99, measuredMs: fastest.totals.durationMs, startedAt: fastest.startedAt };
  hooks.onMeasured?.(result.maxThroughput);

  const workers = fastest.workload.effectiveWorkers;
  const floor = settings.floorRecordsPerSec ?? defaultFloor(fastest.totals.recordsPerSec, workers);
  result.settings.floorRecordsPerSec = floor;
  if (settings.method === 'steps') return steppedAnswer(workload, settings, hooks, runHooks, result, floor, finish);
  let stoppedByFailure = false;
  let settleMs = settings.settleAfterMaxMs ?? settings.stepDurationMs;
  const outcome = await searchMaxRate(
    { floorRecordsPerSec: floor, maxRecordsPerSec: Math.floor(fastest.totals.recordsPerSec), precision: settings.precision, maxSteps: settings.maxSteps },
    async (asked, index) => {
      if (settleMs > 0) await sleep(settleMs, undefined, hooks.signal ? { signal: hooks.signal } : {}).catch(() => undefined);
      if (hooks.signal?.aborted) return null;
      hooks.onStepStart?.(index, asked);
      let run: RunResult;
      try {
        run = await runWorkload(stepWorkload(workload, settings, asked), runHooks);
      } catch (err) {
        // Mid-search (the broker went away): keep the steps so far, and say why it stopped.
        const code = err instanceof StampedeError ? err.code : 'E_WORKER';
        result.failures = [{ worker: -1, code, message: `step ${index} at ${asked} rec/s: ${(err as Error).message}`, exitCode: isUserFacing(err) ? err.exitCode : 1 }];
        stoppedByFailure = true;
        return null;
      }
      if (failedRun(run)) {
        stoppedByFailure = true;
        return null;
      }
      if (run.status === 'interrupted') return null;
      const step = judgeStep(run, asked, settings.slo);
      settleMs = step.pass ? 0 : settings.stepWarmupMs;
      return step;
    },
    (step) => {
      result.steps.push(step.verdict);
      hooks.onStep?.(step);
    },
  );
  result.answer = {
    recordsPerSec: outcome.answerRecordsPerSec,
    failedAtRecordsPerSec: outcome.failedAtRecordsPerSec,
    bracketPct: outcome.bracketShare === null ? null : Math.round(outcome.bracketShare * 1000) / 10,
    stoppedBecause: stoppedByFailure ? 'failed' : outcome.stoppedBecause,
  };
  if (stoppedByFailure) return finish('failed');
  if (outcome.stoppedBecause === 'interrupted') return finish('interrupted');
  if (outcome.answerRecordsPerSec === null) return finish('no-answer');
  return finish(await confirmAnswer(workload, settings, hooks, runHooks, result, outcome.answerRecordsPerSec, settleMs));
}

/**
 * The search's answer run once more on its own, at a fixed rate, on every host when --hosts is
 * given: a bisection's passing step may have been a lucky one, and the user is handed a rate that
 * held twice. Its verdict is a step's (the merged histograms across hosts), kept as the confirmation.
 */
async function confirmAnswer(workload: Workload, settings: MaxSettings, hooks: MaxHooks, runHooks: RunHooks, result: MaxResult, answerRecordsPerSec: number, settleMs: number): Promise<MaxResult['status']> {
  if (settleMs > 0) await sleep(settleMs, undefined, hooks.signal ? { signal: hooks.signal } : {}).catch(() => undefined);
  if (hooks.signal?.aborted) return 'interrupted';
  hooks.onConfirming?.(answerRecordsPerSec);
  let run: RunResult;
  try {
    run = await runWorkload(stepWorkload(workload, settings, answerRecordsPerSec), runHooks);
  } catch (err) {
    const code = err instanceof StampedeError ? err.code : 'E_WORKER';
    result.failures = [{ worker: -1, code, message: `the confirming run at ${answerRecordsPerSec} rec/s: ${(err as Error).message}`, exitCode: isUserFacing(err) ? err.exitCode : 1 }];
    return 'failed';
  }
  if (run.failures.length > 0) {
    result.failures = run.failures;
    return 'failed';
  }
  if (run.status === 'interrupted') return 'interrupted';
  result.confirmation = confirmationOf(run, judgeStep(run, answerRecordsPerSec, settings.slo));
  hooks.onConfirmed?.(result.confirmation);
  return result.confirmation.met ? 'ok' : 'not-confirmed';
}

/** --method steps: the knee of one stepped run from the floor to the measured max, confirmed by a fixed-rate run. */
async function steppedAnswer(workload: Workload, settings: MaxSettings, hooks: MaxHooks, runHooks: RunHooks, result: MaxResult, floor: number, finish: (status: MaxResult['status']) => MaxResult): Promise<MaxResult> {
  const max = Math.floor(result.maxThroughput!.recordsPerSec);
  if (floor > max) {
    result.answer = { recordsPerSec: null, failedAtRecordsPerSec: null, bracketPct: null, stoppedBecause: 'floor-above-max' };
    return finish('no-answer');
  }
  const settleMs = settings.settleAfterMaxMs ?? settings.stepDurationMs;
  if (settleMs > 0) await sleep(settleMs, undefined, hooks.signal ? { signal: hooks.signal } : {}).catch(() => undefined);
  if (hooks.signal?.aborted) return finish('interrupted');
  const outcome = await searchBySteps(workload, { floorRecordsPerSec: floor, maxRecordsPerSec: max, levels: settings.maxSteps, holdMs: settings.stepDurationMs, slo: settings.slo, stepWorkload: (rate) => stepWorkload(workload, settings, rate) }, { ...runHooks, ...(hooks.onStepped ? { onStepped: hooks.onStepped } : {}), ...(hooks.onStep ? { onStep: hooks.onStep } : {}) });
  result.stepped = outcome.stepped;
  result.steps = outcome.steps;
  result.confirmation = outcome.confirmation;
  if (outcome.failedRun) result.failures = outcome.failedRun.failures;
  const top = outcome.failedAtRecordsPerSec ?? max;
  result.answer = {
    recordsPerSec: outcome.answerRecordsPerSec,
    failedAtRecordsPerSec: outcome.failedAtRecordsPerSec,
    bracketPct: outcome.answerRecordsPerSec === null ? null : Math.round(((top - outcome.answerRecordsPerSec) / top) * 1000) / 10,
    stoppedBecause: outcome.failedRun ? 'failed' : outcome.stoppedBecause,
  };
  if (outcome.failedRun) return finish('failed');
  if (outcome.stoppedBecause === 'interrupted') return finish('interrupted');
  return finish(outcome.answerRecordsPerSec === null ? 'no-answer' : 'ok');
}
