import { Packr } from 'msgpackr';
import { StampedeError } from '../errors.js';
import type { BatchBuilder } from '../records/batch.js';
import type { ValueEncoder, ValueShape } from '../records/value-shape.js';
import { JsonPlan } from './json-writer.js';
import { planJsonBytes, type JsonBytesPlan } from './json-bytes.js';
import type { KeyWriter } from './keys.js';
import type { CompiledModel } from './compile.js';
import { modelValueShape } from './shape.js';
import type { ModelEncoding, ModelSpec, TemplatePart } from './spec.js';

/** Writes one model value into the batch, after its key. One instance per producer thread. */
export interface ModelEncoder {
  /** Appends the model's current record (after CompiledModel.advance) with its key. */
  append(batch: BatchBuilder, record: CompiledModel, keys: KeyWriter): void;
}

/** What an encoding may be given besides the model: a text template, or what a schema-bound encoding needs. */
export interface EncoderOptions {
  /** the text encoding's template (default: the model's) */
  template?: TemplatePart[];
  [setting: string]: unknown;
}

/**
 * Writes a value's bytes straight from the model's field values (CompiledModel.slots) into the
 * batch at `at`, returning the end; at most `maxBytes` (reserved, then the rest given back).
 */
export interface SlotWriter {
  maxBytes: number;
  write(slots: unknown[], target: Buffer, at: number): number;
}

/** A ValueEncoder, and the slot writer that writes the same bytes faster when the encoding has one for this model. */
export type ModelValueEncoder = ValueEncoder & { readonly slotWriter?: SlotWriter | null };

/** Builds a ValueEncoder for a model: how encodings outside this folder (avro, protobuf) plug in. */
export type ValueEncoderFactory = (model: ModelSpec, shape: ValueShape, options: EncoderOptions) => ModelValueEncoder;

const registered = new Map<ModelEncoding, ValueEncoderFactory>();

/** Makes `encoding` available to models: call at start-up in every thread that encodes (each producer thread too). */
export function registerValueEncoder(encoding: Exclude<ModelEncoding, 'json' | 'msgpack' | 'text'>, factory: ValueEncoderFactory): void {
  registered.set(encoding, factory);
}

/** Whether this build can write `encoding`; the reason when not, for one line before anything starts. */
export function encodingProblem(encoding: ModelEncoding): string | null {
  if (encoding === 'json' || encoding === 'msgpack' || encoding === 'text' || registered.has(encoding)) return null;
  return `encoding ${encoding} is not available in this build (available: json, msgpack, text${[...registered.keys()].map((name) => `, ${name}`).join('')})`;
}

/**
 * JSON written straight into the batch when every string the model makes is plain ASCII (the usual
 * case: choices, states, templates): the most bytes a value can take are reserved, then the rest
 * given back. Other models go through JSON text.
 */
class JsonEncoder implements ModelEncoder {
  private readonly bytes: JsonBytesPlan | null;
  private readonly serialize: (value: unknown) => string;
  private readonly ascii: boolean;

  constructor(model: ModelSpec) {
    this.bytes = planJsonBytes(model.fields, true);
    const plan = new JsonPlan();
    this.serialize = plan.object(model.fields);
    this.ascii = plan.ascii;
  }

  append(batch: BatchBuilder, record: CompiledModel, keys: KeyWriter): void {
    const bytes = this.bytes;
    if (bytes !== null) return appendSlots(bytes, batch, record, keys);
    const text = this.serialize(record.value());
    const length = this.ascii ? text.length : Buffer.byteLength(text, 'utf8');
    const at = keys.reserve(batch, length);
    batch.target.write(text, at, length, this.ascii ? 'latin1' : 'utf8');
  }
}

/** Reserves the most bytes the value can take, writes it from the field values, gives the rest back. */
function appendSlots(writer: SlotWriter, batch: BatchBuilder, record: CompiledModel, keys: KeyWriter): void {
  const at = keys.reserve(batch, writer.maxBytes);
  const end = writer.write(record.slots, batch.target, at);
  batch.shrinkLast(writer.maxBytes - (end - at));
}

class SlotEncoder implements ModelEncoder {
  constructor(private readonly writer: SlotWriter) {}
  append(batch: BatchBuilder, record: CompiledModel, keys: KeyWriter): void {
    appendSlots(this.writer, batch, record, keys);
  }
}

/** The text encoding: the template's literal text and field values (each field's slot, then names within it). */
class TemplateEncoder implements ModelEncoder {
  private readonly texts: string[];
  private readonly slotIndexes: number[];
  private readonly nestedPaths: string[][];

  constructor(model: ModelSpec, template: TemplatePart[]) {
    const names = model.fields.map((field) => field.name);
    // Alternating: text before field 0, field 0, text before field 1, …, text after the last.
    this.texts = [''];
    this.slotIndexes = [];
    this.nestedPaths = [];
    for (const part of template) {
      if ('text' in part) this.texts[this.texts.length - 1] += part.text;
      else {
        this.slotIndexes.push(names.indexOf(part.path[0]!));
        this.nestedPaths.push(part.path.slice(1));
        this.texts.push('');
      }
    }
  }

  append(batch: BatchBuilder, record: CompiledModel, keys: KeyWriter): void {
    const slots = record.slots;
    let text = this.texts[0]!;
    for (let i = 0; i < this.slotIndexes.length; i++) {
      let at = slots[this.slotIndexes[i]!];
      for (const name of this.nestedPaths[i]!) at = (at as Record<string, unknown>)[name];
      text += String(at) + this.texts[i + 1]!;
    }
    const bytes = Buffer.byteLength(text, 'utf8');
    const at = keys.reserve(batch, bytes); // before reading target: reserving may grow it
    batch.target.write(text, at, bytes, 'utf8');
  }
}

/** Any ValueEncoder (MessagePack here; Avro, Protobuf when registered): its bytes copied after the key. */
class BytesEncoder implements ModelEncoder {
  constructor(private readonly encoder: ValueEncoder) {}
  append(batch: BatchBuilder, record: CompiledModel, keys: KeyWriter): void {
    const bytes = this.encoder.encode(record.value());
    const at = keys.reserve(batch, bytes.byteLength); // before reading target: reserving may grow it
    batch.target.set(bytes, at);
  }
}

/** MessagePack maps with string keys (no msgpackr records: any MessagePack reader decodes them). */
class MsgpackValueEncoder implements ValueEncoder {
  private readonly packr = new Packr({ useRecords: false });
  encode(value: Record<string, unknown>): Uint8Array {
    return this.packr.pack(value);
  }
}

/** The encoder of `encoding` for a model; avro and protobuf come from registerValueEncoder. */
export function encoderForModel(model: ModelSpec, encoding: ModelEncoding = model.encoding, options: EncoderOptions = {}): ModelEncoder {
  switch (encoding) {
    case 'json':
      return new JsonEncoder(model);
    case 'msgpack':
      return new BytesEncoder(new MsgpackValueEncoder());
    case 'text': {
      const template = options.template ?? model.template;
      if (template === undefined) throw new StampedeError('E_OPTION', `model file ${model.file}: the text encoding needs a template, e.g. template: "{temperature}"`);
      return new TemplateEncoder(model, template);
    }
    default: {
      const factory = registered.get(encoding);
      if (factory === undefined) throw new StampedeError('E_OPTION', `model file ${model.file}: ${encodingProblem(encoding)}`);
      const encoder = factory(model, modelValueShape(model), options);
      return encoder.slotWriter ? new SlotEncoder(encoder.slotWriter) : new BytesEncoder(encoder);
    }
  }
}
