import { StampedeError } from '../errors.js';
import { specsFor } from './schema.js';

/** One --vary: a workload option and the raw values it takes, as a flag would give them. */
export interface SweepAxis {
  name: string;
  values: string[];
}

/** One point of a sweep: each varied option's raw value. */
export type SweepPointValues = Record<string, string>;

export const SWEEP_OBJECTIVES = ['max-throughput', 'min-p99', 'min-cpu'] as const;
export type SweepObjective = (typeof SWEEP_OBJECTIVES)[number];

/**
 * Options a point cannot take another value of: the sweep names every point's topic (fresh per
 * point, so no point reads another's records), writes every file itself, and runs here.
 */
const kNotVaried: Readonly<Record<string, string>> = {
  topic: 'each point writes to a fresh topic named after --topic',
  out: 'the sweep writes every point\'s result itself',
  html: 'the sweep writes one page comparing the points',
  hgrm: 'the sweep writes every point\'s result itself',
  csv: 'the sweep writes every point\'s result itself',
  'metrics-port': 'the sweep serves no /metrics',
  'metrics-host': 'the sweep serves no /metrics',
  brokers: 'a sweep compares settings against one cluster',
};

/** A sweep of this many points is a typo more often than a plan; the limit says so in one line. */
export const kMaxSweepPoints = 1000;

/** The values of one --vary: comma-separated, or |-separated when a value holds commas (--stages 10s:1k,10s:2k|…). */
function splitValues(text: string): string[] {
  const parts = (text.includes('|') ? text.split('|') : text.split(',')).map((value) => value.trim());
  return parts;
}

/** `NAME=v1,v2,…` → an axis; the name must be a workload option a run takes and a point may vary. */
export function parseVary(text: string): SweepAxis {
  const equals = text.indexOf('=');
  if (equals <= 0) throw new StampedeError('E_OPTION', `--vary ${text}: expected NAME=v1,v2,… (e.g. partitions=2,4,8)`);
  const name = text.slice(0, equals).trim().replace(/^--/, '');
  const values = splitValues(text.slice(equals + 1));
  const why = kNotVaried[name];
  if (why !== undefined) throw new StampedeError('E_OPTION', `--vary ${name}: not varied by a sweep (${why})`);
  if (!specsFor('run').some((spec) => spec.name === name && spec.inFile !== false)) throw new StampedeError('E_OPTION', `--vary ${name}: not a workload option of run (see stampede run --help)`);
  if (values.some((value) => value === '')) throw new StampedeError('E_OPTION', `--vary ${text}: an empty value`);
  if (new Set(values).size !== values.length) throw new StampedeError('E_OPTION', `--vary ${text}: a value given twice`);
  return { name, values };
}

/** Every --vary once each, in the order given. */
export function parseAxes(raw: readonly string[]): SweepAxis[] {
  if (raw.length === 0) throw new StampedeError('E_OPTION', '--vary: name at least one option to vary, e.g. --vary partitions=2,4,8');
  const axes = raw.map(parseVary);
  const names = axes.map((axis) => axis.name);
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice !== undefined) throw new StampedeError('E_OPTION', `--vary ${twice}: given twice; list its values in one --vary`);
  return axes;
}

/** The points: the cross product of the axes (the last varying fastest), or with zip their values pair by pair. */
export function sweepPoints(axes: readonly SweepAxis[], zip: boolean): SweepPointValues[] {
  if (zip) {
    const length = axes[0]!.values.length;
    const uneven = axes.find((axis) => axis.values.length !== length);
    if (uneven) throw new StampedeError('E_OPTION', `--zip: --vary ${uneven.name} has ${uneven.values.length} values, --vary ${axes[0]!.name} ${length}; zipped lists must be the same length`);
    return Array.from({ length }, (_, i) => Object.fromEntries(axes.map((axis) => [axis.name, axis.values[i]!])));
  }
  const count = axes.reduce((product, axis) => product * axis.values.length, 1);
  if (count > kMaxSweepPoints) throw new StampedeError('E_OPTION', `--vary: ${count} points in the cross product, more than ${kMaxSweepPoints}`);
  let points: SweepPointValues[] = [{}];
  for (const axis of axes) points = points.flatMap((point) => axis.values.map((value) => ({ ...point, [axis.name]: value })));
  return points;
}

/** How a point names itself in lines and tables: `partitions=3 workers=2`. */
export const pointLabel = (values: SweepPointValues): string =>
  Object.entries(values)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
