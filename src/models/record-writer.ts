import type { BatchBuilder } from '../records/batch.js';
import type { RecordWriter } from '../records/record-writer.js';
import { CompiledModel } from './compile.js';
import { encoderForModel, type EncoderOptions, type ModelEncoder } from './encoders.js';
import { JsonPlan } from './json-writer.js';
import { keyWriterFor, type KeyWriter } from './keys.js';
import type { FieldGen, ModelEncoding, ModelSpec } from './spec.js';

/** A device model's records for one shard: its generators, its key and its encoding. */
export class ModelRecordWriter implements RecordWriter {
  readonly model: CompiledModel;
  private readonly keys: KeyWriter;
  private readonly encoder: ModelEncoder;

  constructor(spec: ModelSpec, shard: { firstDevice: number; deviceCount: number }, seed: number, encoding: ModelEncoding = spec.encoding, options: EncoderOptions = {}) {
    this.model = new CompiledModel(spec, shard, seed);
    this.keys = keyWriterFor(spec.key, this.model, spec.key.from === 'field' && asciiField(spec, spec.key.path));
    this.encoder = encoderForModel(spec, encoding, options);
  }

  append(batch: BatchBuilder, intendedSendUs: number): void {
    const model = this.model;
    model.advance(intendedSendUs);
    this.keys.prepare();
    this.encoder.append(batch, model, this.keys);
  }
}

/** Whether every value the field at `path` can take is ASCII text. */
function asciiField(spec: ModelSpec, path: string[]): boolean {
  let fields = spec.fields;
  let gen: FieldGen | undefined;
  for (const name of path) {
    gen = fields.find((field) => field.name === name)?.gen;
    if (gen?.gen === 'object') fields = gen.fields;
  }
  const plan = new JsonPlan();
  if (gen !== undefined) plan.field(gen);
  return plan.ascii;
}
