import { redactText } from '../../connection/redact.js';
import type { MaxResult, MaxSettings, MaxThroughput } from '../../experiments/max-rate.js';
import type { SteppedSearch } from '../../experiments/max-stepped.js';
import type { MaxConfirmation } from '../../experiments/max-confirm.js';
import type { MaxStep } from '../../experiments/max-step.js';
import type { SearchStep } from '../../experiments/max-search.js';
import type { Workload } from '../../options/workload-shape.js';
import { defaultResultPath, writeJson } from '../json.js';
import { renderConfirmation, renderConfirming, renderMaxAnswer, renderMaxPlan, renderMeasured, renderMeasuring, renderStep, renderStepped } from '../max.js';
import { Progress } from '../progress.js';
import type { Output } from './output.js';

/** What a search reports as it goes: the max-throughput run starting and measured, then each step. */
export type MaxEvent = { kind: 'measuring' } | { kind: 'measured'; throughput: MaxThroughput } | { kind: 'step'; step: SearchStep<MaxStep> } | { kind: 'stepped'; stepped: SteppedSearch } | { kind: 'confirming'; recordsPerSec: number } | { kind: 'confirmed'; confirmation: MaxConfirmation };

type MaxOutput = Output<MaxEvent, MaxResult>;

/** `max` on stdout (or bench-max's log): the plan at once, each event as it comes (steps on a progress bar on a terminal), the answer. */
export function maxConsoleOutput(workload: Workload, settings: MaxSettings, log?: (line: string) => void): MaxOutput {
  const print = log ?? ((line: string) => console.log(line));
  print(renderMaxPlan(workload, settings, settings.slo));
  const progress = new Progress({ total: settings.maxSteps, unit: 'steps', plain: log !== undefined });
  return {
    notice: (text) => print(`note: ${redactText(text)}`),
    interval: (event) => {
      if (event.kind === 'measuring') print(renderMeasuring(settings));
      else if (event.kind === 'measured') print(renderMeasured(event.throughput));
      else if (event.kind === 'stepped') for (const line of renderStepped(event.stepped)) print(line);
      else if (event.kind === 'confirming') print(renderConfirming(event.recordsPerSec, settings));
      else if (event.kind === 'confirmed') print(renderConfirmation(event.confirmation));
      else if (log) print(`[${event.step.index}/${settings.maxSteps}] ${renderStep(event.step)}`);
      else progress.step(event.step.index, renderStep(event.step));
    },
    stop: (result) => {
      for (const line of renderMaxAnswer(result, settings.slo)) print(line);
    },
  };
}

/** The search's JSON result (results/max-<time>.json unless --out). */
export function maxFilesOutput(workload: Workload): MaxOutput {
  return {
    stop: (result) => {
      const out = workload.out ?? defaultResultPath(result.startedAt, 'max');
      writeJson(out, result);
      console.log(`\nresult: ${out}`);
    },
  };
}
