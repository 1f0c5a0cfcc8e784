import { StampedeError, optionError } from '../errors.js';
import type { Threshold } from './thresholds.js';
import { parseByKind } from './parse.js';
import type { OptionKind, OptionSpec } from './schema.js';

/** A share written as a percentage, "5%" or "5"; within (min, max] %. */
type PercentKind = { type: 'percent'; minPct: number; maxPct: number };

export interface MaxOptionSpec extends Omit<OptionSpec, 'kind'> {
  readonly kind: OptionKind | PercentKind;
}

/**
 * `stampede max`'s own options, declared once (type, default, help) as `run`'s are (schema.ts);
 * `max` takes the workload options besides, through the one schema.
 */
export const MAX_OPTION_SPECS = [
  { name: 'slo', kind: { type: 'thresholds' }, default: [], describe: 'The service-level objective a step must meet, k6 style (repeatable, all must hold): p99<50ms, e2e.p99<200ms, p999<100ms' },
  { name: 'floor', kind: { type: 'int', min: 1, max: Number.MAX_SAFE_INTEGER }, describe: 'Lowest rate worth asking, records/s; tried first, and when it fails there is no answer (exit 3) [default: 1 % of the measured max]' },
  { name: 'step-duration', kind: { type: 'duration', minMs: 1000 }, default: '10s', describe: 'Measured time of each step (and of the max-throughput run), after its warmup (--warmup, else 2 s)' },
  { name: 'max-steps', kind: { type: 'int', min: 1, max: 100 }, default: 10, describe: 'Fixed-rate steps at most, the floor\'s included' },
  { name: 'precision', kind: { type: 'percent', minPct: 0, maxPct: 50 }, default: '5%', describe: 'Stop once the rates that passed and failed are this close (% of the failed one)' },
] as const satisfies readonly MaxOptionSpec[];

/** Every step warms up this long unless --warmup says otherwise: librdkafka's queue and the broker's log fill first. */
export const kDefaultStepWarmupMs = 2_000;

export interface MaxOptions {
  slo: Threshold[];
  floorRecordsPerSec: number | undefined;
  stepDurationMs: number;
  maxSteps: number;
  /** 0.05 for 5 % */
  precision: number;
}

function parsePercent(field: string, raw: unknown, kind: PercentKind): number {
  const match = /^(\d+(?:\.\d+)?)\s*%?$/.exec(String(raw).trim());
  const pct = match ? Number(match[1]) : NaN;
  if (!(pct > kind.minPct && pct <= kind.maxPct)) throw optionError(field, `a percentage above ${kind.minPct} % and at most ${kind.maxPct} %, such as 5%`, raw);
  return pct / 100;
}

/** Defaults, then flags; each value checked once, errors naming the flag. */
export function resolveMaxOptions(flags: Readonly<Record<string, unknown>>): MaxOptions {
  const value = (name: (typeof MAX_OPTION_SPECS)[number]['name']): unknown => {
    const spec = MAX_OPTION_SPECS.find((candidate) => candidate.name === name)! as MaxOptionSpec;
    const given = flags[name];
    const raw = given ?? spec.default;
    if (raw === undefined) return undefined;
    // A flag given twice keeps its last value, as `run`'s do; thresholds collect every value.
    const one = Array.isArray(raw) && spec.kind.type !== 'thresholds' ? raw[raw.length - 1] : raw;
    return spec.kind.type === 'percent' ? parsePercent(`--${name}`, one, spec.kind) : parseByKind(`--${name}`, spec.kind, one);
  };
  const slo = value('slo') as Threshold[];
  if (slo.length === 0) throw new StampedeError('E_OPTION', "--slo is required: the objective each step must meet, such as --slo 'p99<50ms'");
  return {
    slo,
    floorRecordsPerSec: value('floor') as number | undefined,
    stepDurationMs: value('step-duration') as number,
    maxSteps: value('max-steps') as number,
    precision: value('precision') as number,
  };
}
