import type { ValueEncoder, ValueShape } from '../records/value-shape.js';
import { AvroEncoder, type AvroEncoderSpec } from './avro-encoder.js';
import { planAvro } from './avro.js';
import { ProtobufEncoder, type ProtobufEncoderSpec } from './protobuf-encoder.js';
import { planProtobuf } from './protobuf.js';
import { SchemaRegistryClient } from './registry-client.js';
import { valueSubject, type SubjectStrategy } from './subject.js';
import { confluentPrefix } from './wire-format.js';

/** What crosses into each producer thread: plain data, compiled there once into a ValueEncoder. */
export type SchemaEncoderSpec = AvroEncoderSpec | ProtobufEncoderSpec;

export type SchemaEncoding = 'avro' | 'protobuf';

export interface ValueSchemaInput {
  encoding: SchemaEncoding;
  shape: ValueShape;
  /** The user's .avsc (Avro; optional: derived from the model without it) or .proto (required). */
  schemaFile?: string | undefined;
  /** The .proto message to send (optional when the file holds one). */
  message?: string | undefined;
}

/** A value schema checked against its model, not yet registered (its prefix is empty). */
export type PlannedSchema = (AvroEncoderSpec & { fullName: string | undefined }) | (ProtobufEncoderSpec & { messageIndexes: number[] });

/** The value's schema, checked against the model: call before any broker or registry is contacted. */
export function planValueSchema(input: ValueSchemaInput): PlannedSchema {
  if (input.encoding === 'avro') {
    const plan = planAvro(input.shape, input.schemaFile);
    return { kind: 'avro', schemaText: plan.schemaText, fills: plan.fills, prefix: [], fullName: plan.fullName };
  }
  if (input.schemaFile === undefined) throw new Error('protobuf needs a .proto file (checked by the caller)');
  const plan = planProtobuf(input.shape, input.schemaFile, input.message);
  return { kind: 'protobuf', protoText: plan.protoText, fullName: plan.fullName, prefix: [], messageIndexes: plan.messageIndexes };
}

export interface RegistryTarget {
  url: string;
  topic: string;
  strategy: SubjectStrategy;
  /** The registry's settings from the connection file (schema.registry.*, basic.auth.*). */
  registrySettings?: Readonly<Record<string, string>>;
  /** The Kafka connection settings (SASL_INHERIT takes its login from them). */
  kafkaSettings?: Readonly<Record<string, string>>;
}

export interface RegisteredSchema {
  spec: SchemaEncoderSpec;
  subject: string;
  schemaId: number;
}

/** Registers the planned schema once (in the coordinator) and returns the spec whose prefix carries its id. */
export async function registerValueSchema(planned: PlannedSchema, target: RegistryTarget): Promise<RegisteredSchema> {
  const client = new SchemaRegistryClient(target.url, target.registrySettings, target.kafkaSettings);
  const subject = valueSubject(target.strategy, target.topic, planned.fullName);
  if (planned.kind === 'avro') {
    const schemaId = await client.register(subject, planned.schemaText, 'AVRO');
    return { subject, schemaId, spec: { kind: 'avro', schemaText: planned.schemaText, fills: planned.fills, prefix: confluentPrefix(schemaId) } };
  }
  const schemaId = await client.register(subject, planned.protoText, 'PROTOBUF');
  return { subject, schemaId, spec: { kind: 'protobuf', protoText: planned.protoText, fullName: planned.fullName, prefix: confluentPrefix(schemaId, planned.messageIndexes) } };
}

/** A thread's encoder for a spec: the schema is compiled here, once. */
export function encoderFromSpec(spec: SchemaEncoderSpec): ValueEncoder {
  return spec.kind === 'avro' ? new AvroEncoder(spec) : new ProtobufEncoder(spec);
}
