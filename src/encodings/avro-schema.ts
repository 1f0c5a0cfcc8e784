import type { ValueShape } from '../records/value-shape.js';

/** An Avro schema as JSON (what `.avsc` files hold and a registry stores). */
export type AvroSchema = string | { type: string; [key: string]: unknown } | AvroSchema[];

const kAvroName = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Models name records freely ("weather", "station-reading"); Avro names are identifiers. */
export const avroName = (name: string): string => {
  const cleaned = name.replace(/[^A-Za-z0-9_]/g, '_');
  return kAvroName.test(cleaned) ? cleaned : `_${cleaned}`;
};

export const kDerivedNamespace = 'stampede.models';

/**
 * The Avro schema of a model's value: one record per object, one enum per choice whose values are
 * Avro symbols (a choice of "station-1"… stays a string: Avro symbols are identifiers).
 */
export function avroSchemaOf(shape: ValueShape): AvroSchema {
  const usedNames = new Set<string>();
  const unique = (name: string): string => {
    let candidate = avroName(name);
    for (let n = 2; usedNames.has(candidate); n++) candidate = `${avroName(name)}_${n}`;
    usedNames.add(candidate);
    return candidate;
  };
  const walk = (node: ValueShape, nameHint: string, top: boolean): AvroSchema => {
    switch (node.type) {
      case 'enum':
        return node.symbols.every((symbol) => kAvroName.test(symbol)) ? { type: 'enum', name: unique(nameHint), symbols: [...node.symbols] } : 'string';
      case 'record': {
        const record: { type: string; [key: string]: unknown } = { type: 'record', name: unique(top ? node.name : nameHint) };
        if (top) record['namespace'] = kDerivedNamespace;
        record['fields'] = node.fields.map((field) => ({ name: field.name, type: walk(field.shape, field.name, false) }));
        return record;
      }
      case 'array':
        return { type: 'array', items: walk(node.items, `${nameHint}_item`, false) };
      default:
        return node.type;
    }
  };
  return walk(shape, shape.type === 'record' ? shape.name : 'value', true);
}

/** "stampede.models.weather": the full name of a named schema, as record-name subject strategies use. */
export function avroFullName(schema: AvroSchema): string | undefined {
  if (typeof schema !== 'object' || Array.isArray(schema)) return undefined;
  const name = schema['name'];
  if (typeof name !== 'string') return undefined;
  const namespace = schema['namespace'];
  return name.includes('.') || typeof namespace !== 'string' || namespace === '' ? name : `${namespace}.${name}`;
}
