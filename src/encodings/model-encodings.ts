import avro from 'avsc';
import { registerValueEncoder, type ValueEncoderFactory } from '../models/encoders.js';
import { registerValueDecoder, type ModelIdentity, type ValueDecoder } from '../models/identity.js';
import { modelValueShape } from '../models/shape.js';
import type { ModelSpec } from '../models/spec.js';
import { parseProto } from './protobuf.js';
import { avroSchemaOf } from './avro-schema.js';
import { avroSlotWriter } from './avro-slots.js';
import { encoderFromSpec, planValueSchema, type PlannedSchema, type SchemaEncoderSpec, type SchemaEncoding } from './value-schema.js';

/** A model's value schema in `encoding` (default: the model's), derived or from its `schema:` file, checked against its fields. */
export function planModelSchema(model: ModelSpec, encoding: SchemaEncoding | undefined = undefined): PlannedSchema {
  const chosen = encoding ?? model.encoding;
  if (chosen !== 'avro' && chosen !== 'protobuf') throw new Error(`${chosen} has no value schema`);
  return planValueSchema({ encoding: chosen, shape: modelValueShape(model), schemaFile: model.schema, message: model.message });
}

// The coordinator settles the spec (and the registry's header) and hands it to each thread; without
// one (a model compiled outside a run, as the micro suite does) the thread plans it itself.
// Avro with the schema derived from the model also gets a slot writer: the same bytes, written
// straight from the field values (avro-slots.ts).
const encoderFactory =
  (encoding: SchemaEncoding): ValueEncoderFactory =>
  (model, shape, options) => {
    const spec = (options['valueSchema'] as SchemaEncoderSpec | undefined) ?? planModelSchema(model, encoding);
    const encoder = encoderFromSpec(spec);
    if (spec.kind !== 'avro') return encoder;
    return Object.assign(encoder, { slotWriter: avroSlotWriter(model, spec, JSON.stringify(avroSchemaOf(shape))) });
  };

/** Reads a value back (the e2e consumers' identity), checking it carries the header the producers wrote. */
function decoderFor(identity: ModelIdentity): ValueDecoder {
  const spec = identity.valueSchema as SchemaEncoderSpec | undefined;
  if (spec === undefined) throw new Error(`the ${identity.encoding} consumers were given no value schema`);
  const prefix = Uint8Array.from(spec.prefix);
  const hasPrefix = (value: Uint8Array): boolean => prefix.every((byte, i) => value[i] === byte);
  const wrongHeader = (): Error => new Error(`value does not start with the header the producers wrote (${[...prefix].join(' ')})`);
  if (spec.kind === 'avro') {
    const type = avro.Type.forSchema(JSON.parse(spec.schemaText) as avro.Schema, { wrapUnions: 'never' });
    return (value) => {
      if (!hasPrefix(value)) throw wrongHeader();
      return type.fromBuffer(Buffer.from(value.buffer, value.byteOffset + prefix.length, value.byteLength - prefix.length)) as Record<string, unknown>;
    };
  }
  const type = parseProto(spec.protoText, spec.fullName).lookupType(spec.fullName);
  return (value) => {
    if (!hasPrefix(value)) throw wrongHeader();
    // defaults: proto3 leaves zeros off the wire (seq 0, device 0), identity needs them back.
    return type.toObject(type.decode(value.subarray(prefix.length)), { enums: String, longs: Number, defaults: true });
  };
}

/** Makes avro and protobuf available to models: call once in every thread that encodes or reads them. */
export function registerSchemaEncodings(): void {
  registerValueEncoder('avro', encoderFactory('avro'));
  registerValueEncoder('protobuf', encoderFactory('protobuf'));
  registerValueDecoder('avro', decoderFor);
  registerValueDecoder('protobuf', decoderFor);
}
