import type { ValueShape } from '../records/value-shape.js';
import { lineOfName } from './schema-lines.js';

/** A field of the user's schema the model does not give, filled with the schema's own default. */
export interface DefaultFill {
  path: readonly string[];
  value: unknown;
}

/** Which model values an Avro primitive takes: Avro's own promotions (int → long → float → double), and a float for a double the user chose to narrow. */
const kAccepts: Record<string, readonly ValueShape['type'][]> = {
  string: ['string', 'enum'],
  int: ['int'],
  long: ['int', 'long'],
  float: ['int', 'long', 'double'],
  double: ['int', 'long', 'double'],
  boolean: ['boolean'],
};

const describeShape = (shape: ValueShape): string => (shape.type === 'record' ? 'an object' : shape.type === 'array' ? 'an array' : shape.type === 'enum' ? `a choice of ${shape.symbols.join('|')}` : shape.type);
const describeAvro = (schema: unknown): string => (typeof schema === 'string' ? schema : Array.isArray(schema) ? `a union of ${schema.map(describeAvro).join('|')}` : String((schema as { type?: unknown }).type));

interface Mismatch {
  path: string[];
  reason: string;
}

/**
 * Checks that a model's values can fill a user's Avro schema: every field of the schema is a field
 * of the model (or has a default), and every type takes the model's values. Returns the defaults to
 * fill; throws through `fail` with one line naming the file, line and field.
 */
export function checkAvroFill(schema: unknown, shape: ValueShape, file: string, text: string, fail: (message: string) => never): DefaultFill[] {
  const named = new Map<string, unknown>();
  const fills: DefaultFill[] = [];
  const mismatch = visit(schema, shape, [], named, fills, undefined);
  if (mismatch === undefined) return fills;
  const field = mismatch.path.join('.');
  const line = mismatch.path.length === 0 ? 1 : lineOfName(text, mismatch.path);
  return fail(`${file}:${line}: ${field === '' ? 'the schema' : `field "${field}"`}: ${mismatch.reason}`);
}

function resolve(schema: unknown, named: Map<string, unknown>, namespace: string | undefined): unknown {
  if (typeof schema !== 'string' || schema in kAccepts || schema === 'null' || schema === 'bytes') return schema;
  return named.get(schema) ?? (namespace === undefined ? undefined : named.get(`${namespace}.${schema}`)) ?? schema;
}

function remember(schema: Record<string, unknown>, named: Map<string, unknown>, namespace: string | undefined): string | undefined {
  const name = schema['name'];
  if (typeof name !== 'string') return namespace;
  const own = typeof schema['namespace'] === 'string' ? (schema['namespace'] as string) : name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : namespace;
  named.set(name, schema);
  if (own !== undefined && !name.includes('.')) named.set(`${own}.${name}`, schema);
  return own;
}

function visit(raw: unknown, shape: ValueShape, path: string[], named: Map<string, unknown>, fills: DefaultFill[], namespace: string | undefined): Mismatch | undefined {
  const schema = resolve(raw, named, namespace);
  const wrong = (): Mismatch => ({ path, reason: `the model gives ${describeShape(shape)}, the schema wants ${describeAvro(schema)}` });
  if (Array.isArray(schema)) {
    // A union takes the value if one of its branches does (avsc picks the branch by the value).
    for (const branch of schema) {
      if (branch === 'null') continue;
      if (visit(branch, shape, path, named, [], namespace) === undefined) return visit(branch, shape, path, named, fills, namespace);
    }
    return wrong();
  }
  if (typeof schema === 'string') return kAccepts[schema]?.includes(shape.type) === true ? undefined : wrong();
  if (schema === null || typeof schema !== 'object') return { path, reason: `the schema's type ${JSON.stringify(schema)} is not an Avro type` };
  const node = schema as Record<string, unknown>;
  const type = node['type'];
  // A primitive with a logical type (timestamp-millis on a long) is written as the primitive.
  if (typeof type === 'string' && type in kAccepts) return visit(type, shape, path, named, fills, namespace);
  if (type === 'record' || type === 'error') return visitRecord(node, shape, path, named, fills, remember(node, named, namespace)) ?? undefined;
  if (type === 'enum') {
    remember(node, named, namespace);
    const symbols = Array.isArray(node['symbols']) ? (node['symbols'] as string[]) : [];
    if (shape.type !== 'enum') return wrong();
    const missing = shape.symbols.filter((symbol) => !symbols.includes(symbol));
    return missing.length === 0 ? undefined : { path, reason: `the model gives ${missing.map((s) => JSON.stringify(s)).join(', ')}, not a symbol of the schema's enum (${symbols.join(', ')})` };
  }
  if (type === 'array') return shape.type === 'array' ? visit(node['items'], shape.items, path, named, fills, namespace) : wrong();
  if (type === 'fixed') remember(node, named, namespace);
  return wrong();
}

function visitRecord(node: Record<string, unknown>, shape: ValueShape, path: string[], named: Map<string, unknown>, fills: DefaultFill[], namespace: string | undefined): Mismatch | undefined {
  if (shape.type !== 'record') return { path, reason: `the model gives ${describeShape(shape)}, the schema wants a record` };
  const fields = Array.isArray(node['fields']) ? (node['fields'] as Record<string, unknown>[]) : [];
  for (const field of fields) {
    const name = String(field['name']);
    const given = shape.fields.find((candidate) => candidate.name === name);
    if (given === undefined) {
      if ('default' in field) fills.push({ path: [...path, name], value: field['default'] });
      else return { path: [...path, name], reason: `the model has no field "${name}" and the schema gives it no default` };
      continue;
    }
    const mismatch = visit(field['type'], given.shape, [...path, name], named, fills, namespace);
    if (mismatch !== undefined) return mismatch;
  }
  return undefined;
}
