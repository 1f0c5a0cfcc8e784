import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { StampedeError } from '../errors.js';
import { FieldChecker } from './check-fields.js';
import { encodingProblem } from './encoders.js';
import { LocatedYaml, type FieldPath } from './located.js';
import { kEncodings, type FieldGen, type ModelEncoding, type ModelKey, type ModelSpec, type TemplatePart } from './spec.js';

const kTopKeys = ['key', 'encoding', 'active', 'weights', 'template', 'schema', 'message', 'fields', 'builtin'];

/** Reads and checks a model file: one line naming file, line and field on the first fault (exit 2). */
export function readModelFile(file: string): ModelSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new StampedeError('E_OPTION', `--model ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return parseModel(file, text);
}

/** Checks a model given as YAML text (`file` names it in messages). */
export function parseModel(file: string, text: string): ModelSpec {
  const yaml = new LocatedYaml(file, text);
  const doc = yaml.data;
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) yaml.fail([], 'must be a mapping with at least fields: { … }');
  const raw = doc as Record<string, unknown>;
  for (const key of Object.keys(raw)) if (!kTopKeys.includes(key)) yaml.fail([key], `unknown key (a model takes ${kTopKeys.join(', ')})`);
  if (raw['builtin'] !== undefined && raw['builtin'] !== 'iot') yaml.fail(['builtin'], 'the only built-in simulator is iot');
  if (!('fields' in raw)) yaml.fail([], 'has no fields: { … }');
  const fields = new FieldChecker(yaml).fields(raw['fields'], ['fields']);
  const encoding = encodingOf(yaml, raw['encoding']);
  const unavailable = raw['builtin'] === undefined ? encodingProblem(encoding) : null;
  if (unavailable !== null) yaml.fail(['encoding'], unavailable);
  const spec: ModelSpec = {
    file,
    ...(raw['builtin'] === 'iot' ? { builtin: 'iot' as const } : {}),
    key: keyOf(yaml, raw['key'], fields),
    encoding,
    active: activeOf(yaml, raw['active']),
    weights: weightsOf(yaml, raw['weights']),
    fields,
  };
  if (raw['template'] !== undefined) spec.template = templateOf(yaml, raw['template'], fields);
  else if (encoding === 'text') yaml.fail(['encoding'], 'text needs a template, e.g. template: "{temperature}"');
  schemaOf(yaml, raw, spec);
  return spec;
}

/** schema: an .avsc (avro) or .proto (protobuf) beside the model, and message: the .proto message. */
function schemaOf(yaml: LocatedYaml, raw: Record<string, unknown>, spec: ModelSpec): void {
  const schema = raw['schema'];
  const message = raw['message'];
  if (schema !== undefined) {
    if (spec.encoding !== 'avro' && spec.encoding !== 'protobuf') yaml.fail(['schema'], `is for the avro and protobuf encodings (this model's is ${spec.encoding})`);
    if (typeof schema !== 'string' || schema === '') yaml.fail(['schema'], 'must be a path to an .avsc or .proto file, relative to the model file');
    spec.schema = isAbsolute(schema) ? schema : join(dirname(spec.file), schema);
  } else if (spec.encoding === 'protobuf') yaml.fail(['encoding'], 'protobuf needs schema: <file>.proto (and message: <Name> when the file declares more than one)');
  if (message !== undefined) {
    if (spec.encoding !== 'protobuf') yaml.fail(['message'], `is for the protobuf encoding (this model's is ${spec.encoding})`);
    if (typeof message !== 'string' || message === '') yaml.fail(['message'], 'must be a message name of the .proto file');
    spec.message = message;
  }
}

function encodingOf(yaml: LocatedYaml, raw: unknown): ModelEncoding {
  if (raw === undefined) return 'json';
  if (!kEncodings.includes(raw as ModelEncoding)) yaml.fail(['encoding'], `must be one of ${kEncodings.join(', ')} (got ${JSON.stringify(raw)})`);
  return raw as ModelEncoding;
}

function activeOf(yaml: LocatedYaml, raw: unknown): number {
  if (raw === undefined) return 1;
  if (typeof raw !== 'number' || !(raw > 0) || raw > 1) yaml.fail(['active'], `must be a share of devices above 0 and at most 1, e.g. 0.8 (got ${JSON.stringify(raw)})`);
  return raw;
}

/** `weights: { 1: 0.9, 10: 0.1 }`: 90 % of devices send at weight 1, 10 % ten times as often. */
function weightsOf(yaml: LocatedYaml, raw: unknown): { weight: number; share: number }[] {
  if (raw === undefined) return [{ weight: 1, share: 1 }];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || Object.keys(raw).length === 0) yaml.fail(['weights'], 'must map whole-number rate weights to shares of devices, e.g. { 1: 0.9, 10: 0.1 }');
  let sum = 0;
  const weights = Object.entries(raw).map(([key, share]) => {
    const weight = Number(key);
    if (!Number.isInteger(weight) || weight < 1 || weight > 1000) yaml.fail(['weights', key], 'a rate weight must be a whole number from 1 to 1000');
    if (typeof share !== 'number' || !(share > 0) || share > 1) yaml.fail(['weights', key], `must be a share of devices above 0 and at most 1 (got ${JSON.stringify(share)})`);
    sum += share;
    return { weight, share };
  });
  if (Math.abs(sum - 1) > 1e-9) yaml.fail(['weights'], `shares sum to ${Number(sum.toFixed(12))}, not 1`);
  return weights;
}

function keyOf(yaml: LocatedYaml, raw: unknown, fields: { name: string; gen: FieldGen }[]): ModelKey {
  if (raw === undefined || raw === 'device') return { from: 'device' };
  if (raw === null || raw === 'null') return { from: 'null' };
  if (typeof raw !== 'string') yaml.fail(['key'], 'must be device, null or a field name');
  return { from: 'field', path: fieldPath(yaml, ['key'], raw, fields) };
}

/** A dotted field path that names a field of the model (not an array's insides). */
function fieldPath(yaml: LocatedYaml, at: FieldPath, dotted: string, fields: { name: string; gen: FieldGen }[]): string[] {
  const path = dotted.split('.');
  let level: { name: string; gen: FieldGen }[] | undefined = fields;
  for (let i = 0; i < path.length; i++) {
    const found: { name: string; gen: FieldGen } | undefined = level?.find((field) => field.name === path[i]);
    if (found === undefined) yaml.fail(at, `names no field of the model: ${dotted} (fields: ${(level ?? []).map((field) => field.name).join(', ')})`);
    level = found.gen.gen === 'object' ? found.gen.fields : undefined;
    if (i === path.length - 1 && (found.gen.gen === 'object' || found.gen.gen === 'array')) yaml.fail(at, `${dotted} is ${found.gen.gen === 'object' ? 'an object' : 'an array'}, not a single value`);
  }
  return path;
}

/** "{temperature} C": literal text and {field.path} references (`{{` and `}}` are literal braces). */
function templateOf(yaml: LocatedYaml, raw: unknown, fields: { name: string; gen: FieldGen }[]): TemplatePart[] {
  if (typeof raw !== 'string') yaml.fail(['template'], 'must be a string such as "{temperature}"');
  const parts: TemplatePart[] = [];
  let text = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if ((c === '{' || c === '}') && raw[i + 1] === c) {
      text += c;
      i++;
    } else if (c === '{') {
      const end = raw.indexOf('}', i);
      if (end < 0) yaml.fail(['template'], `has an unclosed { at character ${i + 1}`);
      if (text !== '') parts.push({ text });
      text = '';
      parts.push({ path: fieldPath(yaml, ['template'], raw.slice(i + 1, end).trim(), fields) });
      i = end;
    } else if (c === '}') yaml.fail(['template'], `has a } without its { at character ${i + 1}`);
    else text += c;
  }
  if (text !== '') parts.push({ text });
  return parts;
}
