import type { ValueShape } from '../records/value-shape.js';
import type { FieldGen, ModelSpec, NumberGen } from './spec.js';

const kInt32Max = 2 ** 31 - 1;
const kInt32Min = -(2 ** 31);
/** An Avro / Protobuf enum symbol: a name, not any string. */
const kSymbol = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A whole number in [min, max]: int when both bounds fit 32 bits, else long. */
const integer = (min: number | undefined, max: number | undefined): ValueShape =>
  min !== undefined && max !== undefined && min >= kInt32Min && max <= kInt32Max ? { type: 'int' } : { type: 'long' };

const numberShape = (spec: NumberGen): ValueShape => {
  if (spec.gen === 'constant') return Number.isInteger(spec.value) ? integer(spec.value, spec.value) : { type: 'double' };
  if (spec.round !== 0) return { type: 'double' };
  return spec.gen === 'uniform' ? integer(spec.min, spec.max) : integer(spec.min, spec.max);
};

/** Symbols as an enum when every one can be a name, else strings. */
const symbols = (values: string[]): ValueShape => (values.every((value) => kSymbol.test(value)) ? { type: 'enum', symbols: values } : { type: 'string' });

/** A record name from a field path: what Avro calls a nested record (names must be unique in a schema). */
const recordName = (path: string[]): string => path.map((part) => part.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1')).map((part) => part[0]!.toUpperCase() + part.slice(1)).join('');

export function fieldShape(spec: FieldGen, path: string[]): ValueShape {
  switch (spec.gen) {
    case 'device':
      return spec.template === undefined ? { type: 'long' } : { type: 'string' };
    case 'seq':
      return { type: 'long' };
    case 'constant':
      return typeof spec.value === 'string' ? { type: 'string' } : typeof spec.value === 'boolean' ? { type: 'boolean' } : numberShape({ gen: 'constant', value: spec.value });
    case 'uniform':
    case 'normal':
      return numberShape(spec);
    case 'walk':
      return spec.round === 0 ? integer(spec.min, spec.max) : { type: 'double' };
    case 'daily':
      return spec.round === 0 ? { type: 'long' } : { type: 'double' };
    case 'choice':
      return symbols(spec.values.map((entry) => entry.value));
    case 'states':
      return symbols(spec.states);
    case 'time':
      return spec.unit === 'iso' ? { type: 'string' } : { type: 'long' };
    case 'array':
      return { type: 'array', items: fieldShape(spec.items, [...path, 'item']) };
    case 'object':
      return { type: 'record', name: recordName(path), fields: spec.fields.map((field) => ({ name: field.name, shape: fieldShape(field.gen, [...path, field.name]) })) };
  }
}

/** The shape of a model's value: a record named after the model file (e.g. `Weather`). */
export function modelValueShape(model: ModelSpec): ValueShape {
  const base = model.file.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/i, '') || 'value';
  return fieldShape({ gen: 'object', fields: model.fields }, [base]);
}
