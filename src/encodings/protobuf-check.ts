import protobuf from 'protobufjs';
import type { ValueShape } from '../records/value-shape.js';
import { lineOfName } from './schema-lines.js';

/** Which model values a Protobuf scalar takes. Unsigned types take none: a model's integers may be negative. */
const kAccepts: Record<string, readonly ValueShape['type'][]> = {
  string: ['string', 'enum'],
  int32: ['int'],
  sint32: ['int'],
  sfixed32: ['int'],
  int64: ['int', 'long'],
  sint64: ['int', 'long'],
  sfixed64: ['int', 'long'],
  double: ['int', 'long', 'double'],
  float: ['int', 'long', 'double'],
  bool: ['boolean'],
};

const describeShape = (shape: ValueShape): string => (shape.type === 'record' ? 'an object' : shape.type === 'array' ? 'an array' : shape.type === 'enum' ? `a choice of ${shape.symbols.join('|')}` : shape.type);

interface Mismatch {
  path: string[];
  reason: string;
}

/**
 * Checks that a model's values can fill a Protobuf message: every field without explicit presence
 * is a field of the model, and every type takes the model's values. Throws through `fail` with one
 * line naming the file, line and field.
 */
export function checkProtobufFill(type: protobuf.Type, shape: ValueShape, file: string, text: string, fail: (message: string) => never): void {
  const mismatch = visitMessage(type, shape, []);
  if (mismatch === undefined) return;
  fail(`${file}:${lineOfName(text, mismatch.path, 'proto')}: field "${mismatch.path.join('.')}": ${mismatch.reason}`);
}

function visitMessage(type: protobuf.Type, shape: ValueShape, path: string[]): Mismatch | undefined {
  if (shape.type !== 'record') return { path, reason: `the model gives ${describeShape(shape)}, the schema wants message ${type.name}` };
  for (const field of type.fieldsArray) {
    const given = shape.fields.find((candidate) => candidate.name === field.name);
    const at = [...path, field.name];
    if (given === undefined) {
      if (field.hasPresence) continue;
      return { path: at, reason: `the model has no field "${field.name}" (mark it optional in the .proto to leave it unset)` };
    }
    const mismatch = visitField(field, given.shape, at);
    if (mismatch !== undefined) return mismatch;
  }
  return undefined;
}

function visitField(field: protobuf.Field, shape: ValueShape, path: string[]): Mismatch | undefined {
  if (field.map) return { path, reason: 'map fields are not filled by models' };
  if (field.repeated) return shape.type === 'array' ? visitSingle(field, shape.items, path) : { path, reason: `the model gives ${describeShape(shape)}, the schema wants a repeated ${field.type}` };
  return visitSingle(field, shape, path);
}

function visitSingle(field: protobuf.Field, shape: ValueShape, path: string[]): Mismatch | undefined {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return visitMessage(resolved, shape, path);
  if (resolved instanceof protobuf.Enum) {
    if (shape.type !== 'enum') return { path, reason: `the model gives ${describeShape(shape)}, the schema wants enum ${resolved.name}` };
    const missing = shape.symbols.filter((symbol) => !(symbol in resolved.values));
    return missing.length === 0 ? undefined : { path, reason: `the model gives ${missing.map((s) => JSON.stringify(s)).join(', ')}, not a value of enum ${resolved.name} (${Object.keys(resolved.values).join(', ')})` };
  }
  if (kAccepts[field.type]?.includes(shape.type) === true) return undefined;
  const hint = field.type.startsWith('uint') || field.type.startsWith('fixed') ? ' (a model\'s integers may be negative: use a signed type such as sint64)' : '';
  return { path, reason: `the model gives ${describeShape(shape)}, the schema wants ${field.type}${hint}` };
}
