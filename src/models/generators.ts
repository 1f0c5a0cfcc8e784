import type { RecordContext } from './streams.js';
import type { FieldGen, NumberGen } from './spec.js';

/** One field's generator compiled to a closure over the record context and its own per-device state. */
export type Generate = () => unknown;
type GenerateNumber = () => number;

const kRoundScales = Array.from({ length: 16 }, (_, decimals) => 10 ** decimals);

/** Rounds to `decimals` places (undefined: not at all). */
function rounder(decimals: number | undefined): ((value: number) => number) | undefined {
  if (decimals === undefined) return undefined;
  if (decimals === 0) return Math.round;
  const scale = kRoundScales[decimals]!;
  return (value) => Math.round(value * scale) / scale;
}

const clamp = (value: number, min: number, max: number): number => (value < min ? min : value > max ? max : value);

export function compileNumber(spec: NumberGen, ctx: RecordContext): GenerateNumber {
  if (spec.gen === 'constant') {
    const value = spec.value;
    return () => value;
  }
  const round = rounder(spec.round);
  if (spec.gen === 'uniform') {
    const { min } = spec;
    const span = spec.max - spec.min;
    return round ? () => round(min + span * ctx.random()) : () => min + span * ctx.random();
  }
  const { mean, sd } = spec;
  const min = spec.min ?? -Infinity;
  const max = spec.max ?? Infinity;
  // Clamped after rounding too: rounding must not step outside the bounds.
  return round ? () => clamp(round(clamp(mean + sd * ctx.gaussian(), min, max)), min, max) : () => clamp(mean + sd * ctx.gaussian(), min, max);
}

/** A random walk per device: its first value from `start`, each next one a `step` away, kept within bounds. */
function compileWalk(spec: Extract<FieldGen, { gen: 'walk' }>, ctx: RecordContext): Generate {
  const start = compileNumber(spec.start, ctx);
  const step = compileNumber(spec.step, ctx);
  const min = spec.min ?? -Infinity;
  const max = spec.max ?? Infinity;
  const round = rounder(spec.round) ?? ((value: number) => value);
  // Unrounded per device: rounding each step would stall a walk whose steps are below the rounding.
  const positions = new Float64Array(ctx.deviceCount).fill(NaN);
  return () => {
    const index = ctx.deviceIndex;
    const last = positions[index]!;
    const next = clamp(last !== last ? start() : last + step(), min, max); // NaN: the device's first record
    positions[index] = next;
    return clamp(round(next), min, max);
  };
}

/** A state machine per device: its first record in `initial`, each next one a transition drawn from its row. */
function compileStates(spec: Extract<FieldGen, { gen: 'states' }>, ctx: RecordContext): Generate {
  const names = spec.states;
  const size = names.length;
  const cumulative = new Float64Array(size * size);
  for (let from = 0; from < size; from++) {
    let sum = 0;
    for (let to = 0; to < size; to++) cumulative[from * size + to] = sum += spec.transitions[from]![to]!;
    cumulative[from * size + size - 1] = Infinity; // a row summing to 0.9999999999 still ends somewhere
  }
  const initial = names.indexOf(spec.initial);
  const current = new Int32Array(ctx.deviceCount).fill(-1);
  return () => {
    const index = ctx.deviceIndex;
    let state = current[index]!;
    if (state < 0) state = initial;
    else {
      const roll = ctx.random();
      const row = state * size;
      let to = 0;
      while (roll >= cumulative[row + to]!) to++;
      state = to;
    }
    current[index] = state;
    return names[state];
  };
}

/** A weighted choice: a cumulative table, walked from the most likely value. */
function compileChoice(spec: Extract<FieldGen, { gen: 'choice' }>, ctx: RecordContext): Generate {
  const sorted = [...spec.values].sort((a, b) => b.weight - a.weight);
  const total = sorted.reduce((sum, entry) => sum + entry.weight, 0);
  const values = sorted.map((entry) => entry.value);
  const cumulative = new Float64Array(sorted.length);
  let sum = 0;
  sorted.forEach((entry, i) => (cumulative[i] = sum += entry.weight / total));
  cumulative[sorted.length - 1] = Infinity;
  return () => {
    const roll = ctx.random();
    let i = 0;
    while (roll >= cumulative[i]!) i++;
    return values[i];
  };
}

function compileTime(unit: 'ms' | 'us' | 'iso', ctx: RecordContext): Generate {
  if (unit === 'us') return () => Math.floor(ctx.sendUs);
  if (unit === 'ms') return () => Math.floor(ctx.sendUs / 1000);
  return () => new Date(Math.floor(ctx.sendUs / 1000)).toISOString();
}

/** A numeric base times the multiplier of the send time's hour of day (UTC). */
function compileDaily(spec: Extract<FieldGen, { gen: 'daily' }>, ctx: RecordContext): Generate {
  const base = compileNumber(spec.base, ctx);
  const hours = Float64Array.from(spec.hours);
  const round = rounder(spec.round);
  return () => {
    const value = base() * hours[Math.floor(ctx.sendUs / 3_600_000_000) % 24]!;
    return round ? round(value) : value;
  };
}

/** Shards up to this many devices keep each device's templated id (a few MB): not rebuilt per record. */
const kCachedIdsMax = 1 << 20;

function compileDevice(template: string | undefined, ctx: RecordContext): Generate {
  if (template === undefined) return () => ctx.deviceId;
  const [before, after] = template.split('{id}') as [string, string];
  if (ctx.deviceCount > kCachedIdsMax) return () => before + ctx.deviceId + after;
  // The same string object every record of a device: no number formatting, concatenation or
  // flattening per record, for the value and for a key taken from it.
  const ids = new Array<string | undefined>(ctx.deviceCount).fill(undefined);
  return () => ids[ctx.deviceIndex] ?? (ids[ctx.deviceIndex] = flat(before + ctx.deviceId + after));
}

/** A concatenation as one flat string (engines keep `a + b` as a rope until it is read). */
const flat = (text: string): string => (text.charCodeAt(0), text);

/** A fixed-length array of one generator's values, one array reused for every record. */
function compileArray(spec: Extract<FieldGen, { gen: 'array' }>, ctx: RecordContext): Generate {
  const item = compileField(spec.items, ctx);
  const values = new Array<unknown>(spec.count);
  return () => {
    for (let i = 0; i < values.length; i++) values[i] = item();
    return values;
  };
}

/** A nested object, one object reused for every record (encoders read it before the next). */
export function compileObject(fields: { name: string; gen: FieldGen }[], ctx: RecordContext): () => Record<string, unknown> {
  const names = fields.map((field) => field.name);
  const generators = fields.map((field) => compileField(field.gen, ctx));
  const value: Record<string, unknown> = {};
  for (const name of names) value[name] = null; // every key from the start: one hidden class
  const count = names.length;
  return () => {
    for (let i = 0; i < count; i++) value[names[i]!] = generators[i]!();
    return value;
  };
}

export function compileField(spec: FieldGen, ctx: RecordContext): Generate {
  switch (spec.gen) {
    case 'device':
      return compileDevice(spec.template, ctx);
    case 'seq':
      return () => ctx.seq;
    case 'constant': {
      const value = spec.value;
      return () => value;
    }
    case 'uniform':
    case 'normal':
      return compileNumber(spec, ctx);
    case 'choice':
      return compileChoice(spec, ctx);
    case 'walk':
      return compileWalk(spec, ctx);
    case 'states':
      return compileStates(spec, ctx);
    case 'time':
      return compileTime(spec.unit, ctx);
    case 'daily':
      return compileDaily(spec, ctx);
    case 'array':
      return compileArray(spec, ctx);
    case 'object':
      return compileObject(spec.fields, ctx);
  }
}
