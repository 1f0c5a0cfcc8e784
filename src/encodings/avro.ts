import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { StampedeError } from '../errors.js';
import type { ValueShape } from '../records/value-shape.js';
import { checkAvroFill, type DefaultFill } from './avro-check.js';
import { avroFullName, avroSchemaOf, type AvroSchema } from './avro-schema.js';

/** A model's Avro schema, settled once in the coordinator before any thread starts. */
export interface AvroPlan {
  schemaText: string;
  fills: readonly DefaultFill[];
  /** The record's full name, for the record-name subject strategies. */
  fullName: string | undefined;
}

const fail = (message: string): never => {
  throw new StampedeError('E_OPTION', message);
};

/** The schema derived from the model, or the user's `.avsc` checked to be one the model fills. */
export function planAvro(shape: ValueShape, avscPath?: string): AvroPlan {
  if (avscPath === undefined) {
    const schema = avroSchemaOf(shape);
    return { schemaText: JSON.stringify(schema), fills: [], fullName: avroFullName(schema) };
  }
  const text = readSchemaFile(avscPath);
  let schema: AvroSchema;
  try {
    schema = JSON.parse(text) as AvroSchema;
  } catch (err) {
    return fail(`${avscPath}: not JSON (${(err as Error).message})`);
  }
  try {
    avro.Type.forSchema(schema as avro.Schema, { wrapUnions: 'never' });
  } catch (err) {
    return fail(`${avscPath}: not an Avro schema (${(err as Error).message})`);
  }
  const fills = checkAvroFill(schema, shape, avscPath, text, fail);
  return { schemaText: JSON.stringify(schema), fills, fullName: avroFullName(schema) };
}

export function readSchemaFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    return fail(`${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}
