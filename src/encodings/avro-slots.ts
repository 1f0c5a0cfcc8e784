import type { SlotWriter } from '../models/encoders.js';
import { fieldShape } from '../models/shape.js';
import type { FieldGen, ModelSpec } from '../models/spec.js';
import { unrolledSlotsWriter } from '../models/unrolled.js';
import type { ValueShape } from '../records/value-shape.js';
import type { AvroEncoderSpec } from './avro-encoder.js';

/**
 * A model's Avro body written straight from its field values into the batch: one writer per field
 * compiled from the model and the derived schema, no value object, no intermediate buffer, no
 * schema walk per record. It writes the bytes avsc writes (its long, string and block encodings,
 * mirrored below); a test compares the two over many records. Used only for the schema derived
 * from the model: a user's `.avsc` (other field order, unions, defaults) goes through avsc.
 */
type WriteAvro = (value: unknown, target: Buffer, at: number) => number;
interface FieldPlan {
  write: WriteAvro;
  maxBytes: number;
}

const kMaxVarintBytes = 10;
const kMaxIdDigits = 16;
const kMaxIsoChars = 27;
const kAscii = /^[\u0000-\u007f]*$/;

/** avsc's Tap.writeLong: zig-zag, 7 bits a byte; integer steps within ±2^30, float steps beyond. */
export function writeAvroLong(n: number, target: Buffer, at: number): number {
  if (n >= -1073741824 && n < 1073741824) {
    let m = n >= 0 ? n << 1 : (~n << 1) | 1;
    while (m > 0x7f) {
      target[at++] = (m & 0x7f) | 0x80;
      m >>>= 7;
    }
    target[at] = m;
    return at + 1;
  }
  let f = n >= 0 ? n * 2 : -n * 2 - 1;
  while (f >= 128) {
    target[at++] = (f & 0x7f) | 0x80;
    f /= 128;
  }
  target[at] = f & 0x7f;
  return at + 1;
}

const writeLong: WriteAvro = (value, target, at) => writeAvroLong(value as number, target, at);

/** Little-endian IEEE 754, as avsc's Buffer.writeDoubleLE; through a Float64Array, not a checked Buffer call. */
const kDouble = new Float64Array(1);
const kDoubleBytes = new Uint8Array(kDouble.buffer);
const writeDouble: WriteAvro = (value, target, at) => {
  kDouble[0] = value as number;
  for (let i = 0; i < 8; i++) target[at + i] = kDoubleBytes[i]!;
  return at + 8;
};

/** An ASCII string: its length, then one byte a character. */
const writeAscii: WriteAvro = (value, target, at) => {
  const text = value as string;
  const length = text.length;
  at = writeAvroLong(length, target, at);
  for (let i = 0; i < length; i++) target[at + i] = text.charCodeAt(i);
  return at + length;
};

const asciiStrings = (texts: string[], extraChars = 0): FieldPlan | null =>
  texts.every((text) => kAscii.test(text)) ? { write: writeAscii, maxBytes: kMaxVarintBytes + extraChars + Math.max(0, ...texts.map((text) => text.length)) } : null;

function enumPlan(symbols: string[]): FieldPlan {
  const indexes = new Map(symbols.map((symbol, i) => [symbol, i]));
  return { maxBytes: kMaxVarintBytes, write: (value, target, at) => writeAvroLong(indexes.get(value as string)!, target, at) };
}

function scalarPlan(shape: ValueShape, texts: () => FieldPlan | null): FieldPlan | null {
  switch (shape.type) {
    case 'int':
    case 'long':
      return { write: writeLong, maxBytes: kMaxVarintBytes };
    case 'double':
      return { write: writeDouble, maxBytes: 8 };
    case 'boolean':
      return { write: (value, target, at) => ((target[at] = value ? 1 : 0), at + 1), maxBytes: 1 };
    case 'enum':
      return enumPlan(shape.symbols);
    case 'string':
      return texts();
    default:
      return null;
  }
}

function stringsOf(spec: FieldGen): FieldPlan | null {
  switch (spec.gen) {
    case 'device':
      return spec.template === undefined ? null : asciiStrings([spec.template.replace('{id}', '')], kMaxIdDigits);
    case 'constant':
      return typeof spec.value === 'string' ? asciiStrings([spec.value]) : null;
    case 'choice':
      return asciiStrings(spec.values.map((entry) => entry.value));
    case 'states':
      return asciiStrings(spec.states);
    case 'time':
      return { write: writeAscii, maxBytes: kMaxVarintBytes + kMaxIsoChars };
    default:
      return null;
  }
}

function fieldPlan(spec: FieldGen, shape: ValueShape): FieldPlan | null {
  if (spec.gen === 'object' && shape.type === 'record') return recordPlan(spec.fields, shape);
  if (spec.gen === 'array' && shape.type === 'array') return arrayPlan(spec.count, fieldPlan(spec.items, shape.items));
  return scalarPlan(shape, () => stringsOf(spec));
}

/** avsc writes a non-empty array as one block (its count, the items) and then the end marker 0. */
function arrayPlan(count: number, item: FieldPlan | null): FieldPlan | null {
  if (item === null) return null;
  const writeItem = item.write;
  return {
    maxBytes: 2 * kMaxVarintBytes + count * item.maxBytes,
    write: (value, target, at) => {
      const items = value as unknown[];
      if (items.length > 0) {
        at = writeAvroLong(items.length, target, at);
        for (let i = 0; i < items.length; i++) at = writeItem(items[i], target, at);
      }
      target[at] = 0;
      return at + 1;
    },
  };
}

/** A nested record: its fields read by name from the object its generator reuses. */
function recordPlan(fields: { name: string; gen: FieldGen }[], shape: Extract<ValueShape, { type: 'record' }>): FieldPlan | null {
  const plans = fields.map((field, i) => fieldPlan(field.gen, shape.fields[i]!.shape));
  if (plans.some((plan) => plan === null)) return null;
  const names = fields.map((field) => field.name);
  const writers = plans.map((plan) => plan!.write);
  return {
    maxBytes: plans.reduce((sum, plan) => sum + plan!.maxBytes, 0),
    write: (value, target, at) => {
      const object = value as Record<string, unknown>;
      for (let i = 0; i < writers.length; i++) at = writers[i]!(object[names[i]!], target, at);
      return at;
    },
  };
}

/**
 * The slot writer for `spec` when its schema is the one derived from the model (`derivedSchemaText`)
 * with nothing to fill and every string the model makes is ASCII; null otherwise (avsc serves it).
 */
export function avroSlotWriter(model: ModelSpec, spec: AvroEncoderSpec, derivedSchemaText: string): SlotWriter | null {
  if (spec.fills.length > 0 || spec.schemaText !== derivedSchemaText) return null;
  const plans = model.fields.map((field) => fieldPlan(field.gen, fieldShape(field.gen, [field.name])));
  if (plans.some((plan) => plan === null)) return null;
  const prefix = Uint8Array.from(spec.prefix);
  return {
    maxBytes: prefix.length + plans.reduce((sum, plan) => sum + plan!.maxBytes, 0),
    write: unrolledSlotsWriter(
      plans.map((plan) => plan!.write),
      prefix,
    ),
  };
}
