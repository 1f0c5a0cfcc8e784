import { StampedeError, describeValue, optionError } from '../errors.js';

/** What an observed stage's output is to its input: the same records, some of them, or something computed from them. */
export const STAGE_EXPECTATIONS = ['passthrough', 'subset', 'aggregate'] as const;
export type StageExpectation = (typeof STAGE_EXPECTATIONS)[number];

/**
 * Where a stage's records carry the time their input was sent: stampede's record-trace header,
 * the Kafka record timestamp (whole ms), or a numeric field of a JSON value (µs since the epoch);
 * `value` is stampede's own value encodings, which only the produced topic itself carries.
 */
export type StageTrace = { kind: 'header' } | { kind: 'timestamp' } | { kind: 'field'; field: string } | { kind: 'value' };

/** One observed stage, as the run reads it. */
export interface StageSpec {
  /** the name results, thresholds (stage.NAME.p99) and error lines use */
  name: string;
  topic: string;
  expect: StageExpectation;
  trace: StageTrace;
  /** --processor-group: the user's processor group whose lag on the stage's input is watched */
  processorGroup: string | undefined;
}

/** A stage as a flag or a YAML entry gave it; trace and processor group may come from their own flags. */
export interface StageEntry {
  name: string;
  topic: string;
  expect: StageExpectation;
  trace: StageTrace | undefined;
  processorGroup: string | undefined;
}

const kEntryKeys = new Set(['name', 'topic', 'expect', 'trace', 'processorGroup', 'processor-group']);

/** "header", "timestamp", "field:sent_at_us" → its trace. */
export function parseTrace(field: string, raw: unknown): StageTrace {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (text === 'header' || text === 'timestamp') return { kind: text };
  const match = /^field:(.+)$/.exec(text);
  if (match) return { kind: 'field', field: match[1]!.trim() };
  throw optionError(field, 'header, timestamp or field:NAME (a JSON value field holding the send time in µs, e.g. field:sent_at_us)', raw);
}

function parseExpectation(field: string, raw: unknown): StageExpectation {
  if (typeof raw === 'string' && (STAGE_EXPECTATIONS as readonly string[]).includes(raw)) return raw as StageExpectation;
  throw optionError(field, STAGE_EXPECTATIONS.join(', '), raw);
}

/** "TOPIC[:passthrough|subset|aggregate]" (a flag or a YAML string), or a YAML mapping { name, topic, expect, trace, processorGroup }. */
function parseEntry(field: string, raw: unknown): StageEntry {
  if (typeof raw === 'string') {
    const text = raw.trim();
    const colon = text.lastIndexOf(':');
    const tail = colon > 0 ? text.slice(colon + 1) : '';
    const hasExpectation = (STAGE_EXPECTATIONS as readonly string[]).includes(tail);
    const topic = hasExpectation ? text.slice(0, colon) : text;
    if (!/^[A-Za-z0-9._-]+$/.test(topic)) throw optionError(field, 'TOPIC[:passthrough|subset|aggregate], a topic name of letters, digits, ".", "_" and "-"', raw);
    return { name: topic, topic, expect: hasExpectation ? (tail as StageExpectation) : 'passthrough', trace: undefined, processorGroup: undefined };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw optionError(field, 'a topic name or a mapping { name, topic, expect, trace, processorGroup }', raw);
  const entry = raw as Record<string, unknown>;
  const unknown = Object.keys(entry).find((key) => !kEntryKeys.has(key));
  if (unknown !== undefined) throw new StampedeError('E_OPTION', `${field}: unknown stage field "${unknown}" (known: name, topic, expect, trace, processorGroup)`);
  const topic = entry['topic'];
  if (typeof topic !== 'string' || !/^[A-Za-z0-9._-]+$/.test(topic)) throw optionError(`${field} topic`, 'a topic name', topic);
  const name = entry['name'] ?? topic;
  if (typeof name !== 'string' || name.trim() === '') throw optionError(`${field} name`, 'a non-empty name', name);
  const group = entry['processorGroup'] ?? entry['processor-group'];
  if (group !== undefined && (typeof group !== 'string' || group === '')) throw optionError(`${field} processorGroup`, 'a consumer group id', group);
  return {
    name: name.trim(),
    topic,
    expect: entry['expect'] === undefined ? 'passthrough' : parseExpectation(`${field} expect`, entry['expect']),
    trace: entry['trace'] === undefined ? undefined : parseTrace(`${field} trace`, entry['trace']),
    processorGroup: group as string | undefined,
  };
}

/** --observe: repeated flags or a YAML list. */
export function parseStageList(field: string, raw: unknown): StageEntry[] {
  const entries = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return entries.map((entry) => parseEntry(field, entry));
}

/** Repeated strings (--trace, --processor-group): a flag given several times or a YAML list. */
export function parseStringList(field: string, raw: unknown): string[] {
  const entries = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return entries.map((entry) => {
    if (typeof entry !== 'string' || entry.trim() === '') throw optionError(field, 'a non-empty value', entry);
    return entry.trim();
  });
}

/**
 * Pairs --trace and --processor-group with the stages: given once, a value applies to every stage;
 * given once per --observe, the Nth goes with the Nth stage. A stage's own YAML value wins.
 */
export function resolveStages(entries: StageEntry[], traces: string[], groups: string[]): StageSpec[] {
  const pick = (flag: string, values: string[], index: number): string | undefined => {
    if (values.length === 0) return undefined;
    if (values.length === 1) return values[0];
    if (values.length !== entries.length) throw new StampedeError('E_OPTION', `${flag} is given ${values.length} times for ${entries.length} --observe stages: give it once (for every stage) or once per stage, in the same order`);
    return values[index];
  };
  if (entries.length === 0 && traces.length + groups.length > 0) throw new StampedeError('E_OPTION', `${traces.length > 0 ? '--trace' : '--processor-group'} applies to observed stages: add --observe TOPIC`);
  const names = new Set<string>();
  return entries.map((entry, index) => {
    if (names.has(entry.name)) throw new StampedeError('E_OPTION', `--observe: two stages are named ${describeValue(entry.name)}: give each its own name (YAML: observe: [{ name, topic }])`);
    names.add(entry.name);
    const trace = pick('--trace', traces, index);
    return {
      name: entry.name,
      topic: entry.topic,
      expect: entry.expect,
      trace: entry.trace ?? (trace === undefined ? { kind: 'header' } : parseTrace('--trace', trace)),
      processorGroup: entry.processorGroup ?? pick('--processor-group', groups, index),
    };
  });
}

/** How a trace is named in results and lines: "header", "timestamp", "field:sent_at_us". */
export function traceName(trace: StageTrace): string {
  return trace.kind === 'field' ? `field:${trace.field}` : trace.kind;
}

/** A stage traced by the header needs records that carry one. */
export function checkStageTraces(workload: { stages: readonly StageSpec[]; recordTrace: string }): void {
  const stage = workload.stages.find((candidate) => candidate.trace.kind === 'header');
  if (stage !== undefined && workload.recordTrace !== 'header') {
    throw new StampedeError('E_OPTION', `stage ${stage.name} is traced by the stampede.trace header, which --record-trace ${workload.recordTrace} does not write: use --record-trace header (the default with --observe), or --trace timestamp or field:NAME`);
  }
}
