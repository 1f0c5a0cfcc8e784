import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { rejectNotTaken } from '../options/not-taken.js';
import { planSweep, runSweep, type PlannedPoint, type SweepResult } from '../experiments/sweep.js';
import type { SweepPoint } from '../experiments/sweep-point.js';
import { formatCount, formatDurationMs, usToMs } from '../fmt.js';
import { parseAxes, pointLabel, sweepPoints, type SweepObjective } from '../options/sweep.js';
import { readWorkloadFile, type RawOptions } from '../options/workload.js';
import { parseBool, parseEnum } from '../options/parse.js';
import { SWEEP_OBJECTIVES } from '../options/sweep.js';
import type { RunResult } from '../contracts/result.js';
import { writeJson, writeResult } from '../report/json.js';
import { renderSweep, verdictOf } from '../report/sweep.js';
import { writeSweepHtml } from '../report/html/sweep-page.js';
import { ExitCode } from './exit-codes.js';
import { flagValues } from './flags.js';
import { onStopSignals } from './signals.js';

interface SweepInput {
  plan: PlannedPoint[];
  vary: ReturnType<typeof parseAxes>;
  zip: boolean;
  objective: SweepObjective;
  out: string;
  html: string | undefined;
}

/** Flags and workload file to every point's workload; any bad value fails here, before the first point (exit 2). */
function resolveSweepInput(argv: Record<string, unknown>, startedAt: Date): SweepInput {
  const workloadFile = typeof argv['workload'] === 'string' ? argv['workload'] : undefined;
  const fromFile = workloadFile === undefined ? {} : readWorkloadFile(workloadFile);
  const fromFlags = flagValues(argv, 'sweep') as Record<string, unknown>;
  rejectNotTaken('sweep', fromFlags);
  const vary = parseAxes((fromFlags['vary'] as string[] | undefined) ?? []);
  const zip = fromFlags['zip'] === undefined ? false : parseBool('--zip', fromFlags['zip']);
  const { vary: _vary, zip: _zip, objective: rawObjective, out: rawOut, html: rawHtml, ...runFlags } = fromFlags;
  const suffix = `sweep-${randomBytes(3).toString('hex')}`;
  const plan = planSweep(fromFile, runFlags as RawOptions, workloadFile, sweepPoints(vary, zip), suffix);
  // At a fixed rate (or a schedule) every valid point delivers what was asked: latency tells them apart.
  const atMaxRate = plan[0]!.workload.rateRecordsPerSec === undefined && plan[0]!.workload.loadSchedule === undefined;
  const objective = parseEnum('--objective', rawObjective ?? (atMaxRate ? 'max-throughput' : 'min-p99'), SWEEP_OBJECTIVES) as SweepObjective;
  const out = typeof rawOut === 'string' ? rawOut : join('results', `sweep-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const html = rawHtml === undefined || rawHtml === false ? undefined : rawHtml === '' || rawHtml === true ? out.replace(/\.json$/i, '') + '.html' : String(rawHtml);
  return { plan, vary, zip, objective, out, html };
}

const pointFileOf = (out: string) => (index: number): string => join(dirname(out), `${basename(out).replace(/\.json$/i, '')}-points`, `point-${index + 1}.json`);

function pointLine(point: SweepPoint): string {
  return `  → ${formatCount(Math.round(point.recordsPerSec))} rec/s, p50 ${usToMs(point.latency.p50Us)} ms, p99 ${usToMs(point.latency.p99Us)} ms, ${verdictOf(point)} (${formatDurationMs(point.wallMs)} wall)`;
}

/** Writes the sweep so far (and the point's whole result): an interruption keeps every finished point. */
function writeProgress(input: SweepInput, point: SweepPoint, result: RunResult, sweep: SweepResult): void {
  writeResult(result, point.resultFile);
  writeJson(input.out, sweep);
  if (input.html !== undefined) writeSweepHtml(input.html, sweep);
}

/** `stampede sweep --vary partitions=2,4,8 --vary workers=1,2`: one full run per point, one comparison. */
export async function sweepCommand(argv: Record<string, unknown>): Promise<number> {
  const startedAt = new Date();
  const input = resolveSweepInput(argv, startedAt);
  const controller = new AbortController();
  const offStopSignals = onStopSignals({
    stop: (signal) => {
      console.log(`${signal === 'SIGINT' ? 'interrupted' : `stopped (${signal})`}: ending the current point; finished points are kept (${signal === 'SIGINT' ? 'Ctrl-C again' : 'a second signal'} to quit at once)…`);
      controller.abort();
    },
    restore: () => undefined,
  });
  const startMs = performance.now();
  try {
    console.log(`sweep: ${input.plan.length} point(s) of ${input.vary.map((axis) => axis.name).join(' × ')}${input.zip ? ' (zipped)' : ''}, seed ${input.plan[0]!.workload.seed}, best by ${input.objective}; results in ${input.out}`);
    const sweep = await runSweep(input.plan, { vary: input.vary, zip: input.zip, objective: input.objective, pointFile: pointFileOf(input.out) }, {
      signal: controller.signal,
      onNotice: (text) => console.log(`  note: ${text}`),
      onPointStart: (index, planned, etaMs) =>
        console.log(`\n[${index + 1}/${input.plan.length}] ${pointLabel(planned.values)} → topic ${planned.workload.topic} · elapsed ${formatDurationMs(performance.now() - startMs)}, about ${formatDurationMs(etaMs)} left`),
      onInterval: (row) => {
        if (row.phase === 'measure') console.log(`    ${formatDurationMs(row.elapsedMs)}  ${formatCount(row.recordsPerSec)} rec/s  p99 ${usToMs(row.p99Us)} ms`);
      },
      onPointDone: (point, result, sweep) => {
        console.log(pointLine(point));
        writeProgress(input, point, result, sweep);
      },
    });
    writeJson(input.out, sweep);
    if (input.html !== undefined) writeSweepHtml(input.html, sweep);
    for (const line of renderSweep(sweep)) console.log(line);
    console.log(`\nresult: ${input.out}${input.html !== undefined ? `\nhtml: ${input.html}` : ''}`);
    if (sweep.status === 'interrupted') return ExitCode.interrupted;
    return sweep.points.some((point) => point.failures.length > 0) ? ExitCode.failure : ExitCode.ok;
  } finally {
    offStopSignals();
  }
}
