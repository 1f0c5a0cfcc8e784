import avro from 'avsc';
import type { ValueEncoder } from '../records/value-shape.js';
import type { DefaultFill } from './avro-check.js';

/** Where an Avro value goes: the schema (derived or the user's) and the bytes before each body. */
export interface AvroEncoderSpec {
  kind: 'avro';
  /** The schema as JSON text: it crosses into threads as text, each thread compiles it once. */
  schemaText: string;
  /** Fields of a user's schema the model does not give, filled with the schema's defaults. */
  fills: readonly DefaultFill[];
  /** The Confluent wire-format header (magic byte, schema id), or empty without a registry. */
  prefix: readonly number[];
}

const kInitialBytes = 1024;

/**
 * One per producer thread: avsc compiles the schema into a writer once; each record is one write
 * into a reused buffer, with no per-record schema work.
 */
export class AvroEncoder implements ValueEncoder {
  private readonly type: avro.Type;
  private readonly prefix: Uint8Array;
  private readonly fills: readonly DefaultFill[];
  private buffer = Buffer.allocUnsafe(kInitialBytes);

  constructor(spec: AvroEncoderSpec) {
    // Unwrapped unions: a model gives plain values, avsc picks the branch that takes each one.
    this.type = avro.Type.forSchema(JSON.parse(spec.schemaText) as avro.Schema, { wrapUnions: 'never' });
    this.prefix = Uint8Array.from(spec.prefix);
    this.fills = spec.fills;
    this.buffer.set(this.prefix, 0);
  }

  encode(value: Record<string, unknown>): Uint8Array {
    if (this.fills.length > 0) applyFills(value, this.fills);
    let end = this.type.encode(value, this.buffer, this.prefix.length);
    while (end < 0) {
      // avsc answers a too-small buffer with minus the bytes missing.
      this.buffer = Buffer.allocUnsafe((this.buffer.length - end) * 2);
      this.buffer.set(this.prefix, 0);
      end = this.type.encode(value, this.buffer, this.prefix.length);
    }
    // A view, not a copy (a copy cost a fifth of the record's time): the caller copies it into
    // its batch before asking for the next value, as ValueEncoder allows.
    return this.buffer.subarray(0, end);
  }
}

function applyFills(value: Record<string, unknown>, fills: readonly DefaultFill[]): void {
  for (const fill of fills) {
    let target = value;
    for (let i = 0; i < fill.path.length - 1; i++) target = target[fill.path[i]!] as Record<string, unknown>;
    target[fill.path[fill.path.length - 1]!] = fill.value;
  }
}
