import type { FieldPath, LocatedYaml } from './located.js';
import type { FieldGen, NumberGen, TimeUnit } from './spec.js';

/** How far a probability row may be from 1 (decimal fractions in YAML do not add up exactly). */
const kRowTolerance = 1e-9;
const kMaxArrayCount = 10_000;

type Mapping = Record<string, unknown>;
const isMapping = (value: unknown): value is Mapping => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The keys each generator takes (besides `gen`): anything else is a typo worth a line. */
const kKeys: Record<string, { required: string[]; optional: string[] }> = {
  device: { required: [], optional: ['template'] },
  seq: { required: [], optional: [] },
  constant: { required: ['value'], optional: [] },
  uniform: { required: ['min', 'max'], optional: ['round'] },
  normal: { required: ['mean', 'sd'], optional: ['min', 'max', 'round'] },
  choice: { required: ['values'], optional: [] },
  walk: { required: ['start', 'step'], optional: ['min', 'max', 'round'] },
  states: { required: ['transitions'], optional: ['initial'] },
  time: { required: [], optional: ['unit'] },
  daily: { required: ['base', 'hours'], optional: ['round'] },
  array: { required: ['count', 'items'], optional: [] },
  object: { required: ['fields'], optional: [] },
};

/** Checks a model's field generators, naming the first fault's line and field. */
export class FieldChecker {
  constructor(private readonly yaml: LocatedYaml) {}

  fields(raw: unknown, path: FieldPath): { name: string; gen: FieldGen }[] {
    if (!isMapping(raw) || Object.keys(raw).length === 0) this.yaml.fail(path, 'must be a mapping of field names to generators, e.g. { temperature: { gen: uniform, min: 10, max: 30 } }');
    return Object.entries(raw).map(([name, spec]) => ({ name, gen: this.field(spec, [...path, name]) }));
  }

  field(raw: unknown, path: FieldPath): FieldGen {
    if (!isMapping(raw)) this.yaml.fail(path, 'must be a generator such as { gen: uniform, min: 0, max: 1 }, or a mapping of nested fields');
    if (!('gen' in raw)) return { gen: 'object', fields: this.fields(raw, path) };
    const gen = raw['gen'];
    const keys = typeof gen === 'string' ? kKeys[gen] : undefined;
    if (keys === undefined) this.yaml.fail([...path, 'gen'], `unknown generator ${JSON.stringify(gen)} (known: ${Object.keys(kKeys).join(', ')})`);
    for (const key of keys.required) if (!(key in raw)) this.yaml.fail(path, `generator ${gen} needs ${key}`);
    for (const key of Object.keys(raw)) {
      if (key !== 'gen' && !keys.required.includes(key) && !keys.optional.includes(key)) this.yaml.fail([...path, key], `generator ${gen} takes no ${key} (it takes ${[...keys.required, ...keys.optional].join(', ') || 'nothing else'})`);
    }
    return this.generator(gen as string, raw, path);
  }

  private generator(gen: string, raw: Mapping, path: FieldPath): FieldGen {
    switch (gen) {
      case 'device':
        return raw['template'] === undefined ? { gen } : { gen, template: this.template(raw['template'], [...path, 'template']) };
      case 'seq':
        return { gen };
      case 'constant':
        return { gen, value: this.constant(raw['value'], [...path, 'value']) };
      case 'choice':
        return { gen, values: this.choices(raw['values'], [...path, 'values']) };
      case 'states':
        return this.states(raw, path);
      case 'time':
        return { gen, unit: this.unit(raw['unit'], [...path, 'unit']) };
      case 'walk':
        return { gen, start: this.numberGen(raw['start'], [...path, 'start']), step: this.numberGen(raw['step'], [...path, 'step']), ...this.bounds(raw, path), ...this.round(raw, path) };
      case 'daily':
        return { gen, base: this.numberGen(raw['base'], [...path, 'base']), hours: this.hours(raw['hours'], [...path, 'hours']), ...this.round(raw, path) };
      case 'array':
        return { gen, count: this.count(raw['count'], [...path, 'count']), items: this.field(raw['items'], [...path, 'items']) };
      case 'object':
        return { gen, fields: this.fields(raw['fields'], [...path, 'fields']) };
      default:
        return this.numberGen(raw, path) as FieldGen;
    }
  }

  /** uniform, normal or constant: what walks and daily curves take; a bare number is a constant. */
  numberGen(raw: unknown, path: FieldPath): NumberGen {
    if (typeof raw === 'number' && Number.isFinite(raw)) return { gen: 'constant', value: raw };
    if (!isMapping(raw) || !['uniform', 'normal', 'constant'].includes(raw['gen'] as string)) this.yaml.fail(path, 'must be a number or a { gen: uniform | normal | constant, … } generator');
    for (const key of kKeys[raw['gen'] as string]!.required) if (!(key in raw)) this.yaml.fail(path, `generator ${raw['gen']} needs ${key}`);
    if (raw['gen'] === 'constant') return { gen: 'constant', value: this.number(raw['value'], [...path, 'value']) };
    if (raw['gen'] === 'uniform') {
      const min = this.number(raw['min'], [...path, 'min']);
      const max = this.number(raw['max'], [...path, 'max']);
      if (max < min) this.yaml.fail([...path, 'max'], `must be at least min (${min})`);
      return { gen: 'uniform', min, max, ...this.round(raw, path) };
    }
    const sd = this.number(raw['sd'], [...path, 'sd']);
    if (sd < 0) this.yaml.fail([...path, 'sd'], 'must be zero or more');
    return { gen: 'normal', mean: this.number(raw['mean'], [...path, 'mean']), sd, ...this.bounds(raw, path), ...this.round(raw, path) };
  }

  private bounds(raw: Mapping, path: FieldPath): { min?: number; max?: number } {
    const min = raw['min'] === undefined ? undefined : this.number(raw['min'], [...path, 'min']);
    const max = raw['max'] === undefined ? undefined : this.number(raw['max'], [...path, 'max']);
    if (min !== undefined && max !== undefined && max < min) this.yaml.fail([...path, 'max'], `must be at least min (${min})`);
    return { ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) };
  }

  private round(raw: Mapping, path: FieldPath): { round?: number } {
    if (raw['round'] === undefined) return {};
    const round = raw['round'];
    if (typeof round !== 'number' || !Number.isInteger(round) || round < 0 || round > 15) this.yaml.fail([...path, 'round'], `must be a number of decimals from 0 to 15 (got ${JSON.stringify(round)})`);
    return { round };
  }

  private number(raw: unknown, path: FieldPath): number {
    if (typeof raw !== 'number' || !Number.isFinite(raw)) this.yaml.fail(path, `must be a number (got ${JSON.stringify(raw) ?? 'nothing'})`);
    return raw;
  }

  private constant(raw: unknown, path: FieldPath): string | number | boolean {
    if (typeof raw === 'string' || typeof raw === 'boolean' || (typeof raw === 'number' && Number.isFinite(raw))) return raw;
    return this.yaml.fail(path, 'must be a string, a number or true/false');
  }

  private template(raw: unknown, path: FieldPath): string {
    if (typeof raw !== 'string' || raw.split('{id}').length !== 2) this.yaml.fail(path, 'must be a string with {id} once in it, e.g. "station-{id}"');
    return raw;
  }

  private unit(raw: unknown, path: FieldPath): TimeUnit {
    if (raw === undefined) return 'ms';
    if (raw !== 'ms' && raw !== 'us' && raw !== 'iso') this.yaml.fail(path, `must be ms, us or iso (got ${JSON.stringify(raw)})`);
    return raw;
  }

  private count(raw: unknown, path: FieldPath): number {
    if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0 || raw > kMaxArrayCount) this.yaml.fail(path, `must be a whole number from 0 to ${kMaxArrayCount}`);
    return raw;
  }

  private hours(raw: unknown, path: FieldPath): number[] {
    if (!Array.isArray(raw) || raw.length !== 24) this.yaml.fail(path, 'must list 24 multipliers, one per hour of the day (UTC) from 0');
    return raw.map((value, hour) => this.number(value, [...path, hour]));
  }

  /** `{ clear: 6, rain: 3 }` (weights) or `[clear, rain]` (equal weights). */
  private choices(raw: unknown, path: FieldPath): { value: string; weight: number }[] {
    const entries = Array.isArray(raw) ? raw.map((value) => [String(value), 1] as const) : isMapping(raw) ? Object.entries(raw) : [];
    if (entries.length === 0) this.yaml.fail(path, 'must be a mapping of values to weights, e.g. { clear: 6, rain: 3 }, or a list of values');
    return entries.map(([value, weight]) => {
      if (typeof weight !== 'number' || !(weight > 0) || !Number.isFinite(weight)) this.yaml.fail([...path, value], `weight must be a positive number (got ${JSON.stringify(weight)})`);
      return { value, weight };
    });
  }

  /** A state machine: each row's probabilities sum to 1, each target is a state with its own row. */
  private states(raw: Mapping, path: FieldPath): FieldGen {
    const at = [...path, 'transitions'];
    const rows = raw['transitions'];
    if (!isMapping(rows) || Object.keys(rows).length === 0) this.yaml.fail(at, 'must map each state to its next states\' probabilities, e.g. { ok: { ok: 0.99, warn: 0.01 }, warn: { ok: 1 } }');
    const states = Object.keys(rows);
    const transitions = states.map((from) => {
      const row = rows[from];
      if (!isMapping(row)) this.yaml.fail([...at, from], 'must map next states to probabilities');
      const probabilities = new Array<number>(states.length).fill(0);
      let sum = 0;
      for (const [to, p] of Object.entries(row)) {
        const index = states.indexOf(to);
        if (index < 0) this.yaml.fail([...at, from, to], `is not a state (states are the keys of transitions: ${states.join(', ')})`);
        if (typeof p !== 'number' || !(p >= 0) || p > 1) this.yaml.fail([...at, from, to], `must be a probability from 0 to 1 (got ${JSON.stringify(p)})`);
        probabilities[index] = p;
        sum += p;
      }
      if (Math.abs(sum - 1) > kRowTolerance) this.yaml.fail([...at, from], `probabilities sum to ${Number(sum.toFixed(12))}, not 1`);
      return probabilities;
    });
    const initial = raw['initial'] ?? states[0];
    if (typeof initial !== 'string' || !states.includes(initial)) this.yaml.fail([...path, 'initial'], `must be one of the states (${states.join(', ')})`);
    return { gen: 'states', initial, states, transitions };
  }
}
