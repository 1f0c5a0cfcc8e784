import type { FieldGen } from './spec.js';
import { writeShortestPositive } from './shortest-double.js';
import { unrolledObjectWriter } from './unrolled.js';

/**
 * Writes one field's JSON straight into the batch's buffer at `at`; returns the end. No string is
 * built for numbers (the costly part of JSON text: a double's shortest form), none for the record.
 */
export type WriteJson = (value: unknown, target: Buffer, at: number) => number;

/** A plan's writer and the most bytes it can write for one value (reserved, then the rest given back). */
export interface JsonBytesPlan {
  write: WriteJson;
  maxBytes: number;
}

const kPlainAscii = /^[\u0020-\u0021\u0023-\u005b\u005d-\u007e]*$/; // printable ASCII but " and \
const kMaxNumberChars = 25; // "-1.2345678901234567e-100"
const kMaxIsoChars = 27; // "+275760-09-13T00:00:00.000Z"
const kMaxIdDigits = 16;
/** Rounded numbers are written as scaled integers below this (exact in a double). */
const kExactBelow = 2 ** 52;
const kScales = Array.from({ length: 10 }, (_, decimals) => 10 ** decimals);

function copy(bytes: Uint8Array, target: Buffer, at: number): number {
  for (let i = 0; i < bytes.length; i++) target[at + i] = bytes[i]!;
  return at + bytes.length;
}

/** A whole number below 2^53 in decimal: in 32-bit integer steps, eight digits at a time above 10^8. */
function writeWhole(value: number, target: Buffer, at: number): number {
  if (value < 0) {
    target[at++] = 0x2d;
    value = -value;
  }
  if (value < 100_000_000) return writeSmall(value, target, at);
  const high = Math.floor(value / 100_000_000);
  at = writeWhole(high, target, at);
  let low = value - high * 100_000_000;
  for (let i = at + 7; i >= at; i--) {
    const tens = (low / 10) | 0;
    target[i] = 48 + low - tens * 10;
    low = tens;
  }
  return at + 8;
}

/** A whole number below 10^8. */
function writeSmall(value: number, target: Buffer, at: number): number {
  const digits = value < 10 ? 1 : value < 100 ? 2 : value < 1_000 ? 3 : value < 10_000 ? 4 : value < 100_000 ? 5 : value < 1_000_000 ? 6 : value < 10_000_000 ? 7 : 8;
  let rest = value | 0;
  for (let i = at + digits - 1; i >= at; i--) {
    const tens = (rest / 10) | 0;
    target[i] = 48 + rest - tens * 10;
    rest = tens;
  }
  return at + digits;
}

/** Any number as JavaScript (and JSON) prints it; ASCII. */
function writeNumberText(value: number, target: Buffer, at: number): number {
  // The engine's shortest form, without its string: most of an unrounded double's cost.
  const end = value < 0 ? ((target[at] = 0x2d), writeShortestPositive(-value, target, at + 1)) : writeShortestPositive(value, target, at);
  if (end >= 0) return end;
  if (!Number.isFinite(value)) return copy(kNull, target, at);
  const text = '' + value;
  for (let i = 0; i < text.length; i++) target[at + i] = text.charCodeAt(i);
  return at + text.length;
}
const kNull = Buffer.from('null');

const writeInteger: WriteJson = (value, target, at) => {
  const number = value as number;
  return Number.isInteger(number) && Math.abs(number) < kExactBelow ? writeWhole(number, target, at) : writeNumberText(number, target, at);
};

/**
 * A number rounded to `decimals` places, as JavaScript prints it: the scaled integer's digits with
 * the point put back and trailing zeros dropped (5.30 → "5.3", 5.00 → "5").
 */
function roundedWriter(decimals: number): WriteJson {
  if (decimals === 0) return writeInteger;
  const scale = kScales[decimals]!;
  return (value, target, at) => {
    const number = value as number;
    const scaled = Math.round(number * scale);
    // Not a number this field rounded (a bound that is not), too large or too small to print as digits: as JavaScript does.
    if (!(Math.abs(scaled) < kExactBelow) || Math.abs(number) < 1e-6 || scaled / scale !== number) return writeNumberText(number, target, at);
    if (scaled < 0) target[at++] = 0x2d;
    const magnitude = Math.abs(scaled);
    const whole = Math.floor(magnitude / scale);
    at = writeWhole(whole, target, at);
    let fraction = magnitude - whole * scale;
    if (fraction === 0) return at;
    let places = decimals;
    while (fraction % 10 === 0) {
      fraction /= 10;
      places--;
    }
    target[at++] = 0x2e;
    for (let i = at + places - 1; i >= at; i--) {
      const tens = Math.floor(fraction / 10);
      target[i] = 48 + fraction - tens * 10;
      fraction = tens;
    }
    return at + places;
  };
}

/** A string of printable ASCII without quote or backslash, between quotes, one byte a character. */
const writePlainString: WriteJson = (value, target, at) => {
  const text = value as string;
  target[at] = 0x22;
  for (let i = 0; i < text.length; i++) target[at + 1 + i] = text.charCodeAt(i);
  target[at + 1 + text.length] = 0x22;
  return at + text.length + 2;
};

/**
 * Plans a model's JSON as byte writers, or returns null when a field may produce a string that
 * needs escaping or is not ASCII (the text writer serves those models). `fromSlots`: the value is
 * the model's array of top-level field values (CompiledModel.slots), not an object.
 */
export function planJsonBytes(fields: { name: string; gen: FieldGen }[], fromSlots = false): JsonBytesPlan | null {
  const names = fields.map((field) => field.name);
  const plans = fields.map((field) => fieldPlan(field.gen));
  if (plans.some((plan) => plan === null)) return null;
  const prefixes = names.map((name, i) => Buffer.from((i === 0 ? '{' : ',') + JSON.stringify(name) + ':', 'utf8'));
  const writers = plans.map((plan) => plan!.write);
  const count = names.length;
  const maxBytes = 2 + prefixes.reduce((sum, prefix) => sum + prefix.length, 0) + plans.reduce((sum, plan) => sum + plan!.maxBytes, 0);
  if (count === 0) return { write: (_value, target, at) => copy(kEmptyObject, target, at), maxBytes: 2 };
  if (fromSlots) return { maxBytes, write: unrolledObjectWriter(writers, prefixes, copy) };
  return {
    maxBytes,
    write: (value, target, at) => {
      const object = value as Record<string, unknown>;
      for (let i = 0; i < count; i++) at = writers[i]!(object[names[i]!], target, copy(prefixes[i]!, target, at));
      target[at] = 0x7d;
      return at + 1;
    },
  };
}
const kEmptyObject = Buffer.from('{}');

function strings(texts: string[], extraChars = 0): JsonBytesPlan | null {
  if (!texts.every((text) => kPlainAscii.test(text))) return null;
  return { write: writePlainString, maxBytes: 2 + extraChars + Math.max(0, ...texts.map((text) => text.length)) };
}

function fieldPlan(spec: FieldGen): JsonBytesPlan | null {
  switch (spec.gen) {
    case 'device':
      return spec.template === undefined ? { write: writeInteger, maxBytes: kMaxNumberChars } : strings([spec.template.replace('{id}', '')], kMaxIdDigits);
    case 'seq':
      return { write: writeInteger, maxBytes: kMaxNumberChars };
    case 'constant': {
      const bytes = Buffer.from(JSON.stringify(spec.value), 'utf8');
      return { write: (_value, target, at) => copy(bytes, target, at), maxBytes: bytes.length };
    }
    case 'choice':
      return strings(spec.values.map((entry) => entry.value));
    case 'states':
      return strings(spec.states);
    case 'time':
      return spec.unit === 'iso' ? { write: writePlainString, maxBytes: kMaxIsoChars + 2 } : { write: writeInteger, maxBytes: kMaxNumberChars };
    case 'array':
      return arrayPlan(spec.count, fieldPlan(spec.items));
    case 'object':
      return planJsonBytes(spec.fields);
    default: {
      const round = spec.round;
      return { write: round !== undefined && round <= 9 ? roundedWriter(round) : writeNumberOrNull, maxBytes: kMaxNumberChars };
    }
  }
}

const writeNumberOrNull: WriteJson = (value, target, at) => writeNumberText(value as number, target, at);

function arrayPlan(count: number, item: JsonBytesPlan | null): JsonBytesPlan | null {
  if (item === null) return null;
  const writeItem = item.write;
  return {
    maxBytes: 2 + count * (item.maxBytes + 1),
    write: (value, target, at) => {
      const items = value as unknown[];
      target[at++] = 0x5b;
      for (let i = 0; i < items.length; i++) {
        if (i > 0) target[at++] = 0x2c;
        at = writeItem(items[i], target, at);
      }
      target[at] = 0x5d;
      return at + 1;
    },
  };
}
