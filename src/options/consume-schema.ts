import { parseByKind } from './parse.js';
import { RECORD_FORMATS, type OptionSpec } from './schema.js';
import type { FormatChoice } from '../verify/sink.js';

/**
 * `stampede consume`: every option declared once (type, default, help), for its flags, its workload
 * file keys and --help alike — the same table form as `run`'s (schema.ts).
 */
export const CONSUME_OPTION_SPECS = [
  { name: 'brokers', kind: { type: 'string' }, default: '127.0.0.1:9092', describe: 'Bootstrap brokers, host:port[,host:port…]' },
  { name: 'command-config', kind: { type: 'string' }, describe: 'Connection settings file (Java .properties: security.protocol, sasl.*, ssl.*, client.id)' },
  { name: 'command-property', kind: { type: 'props' }, default: [], describe: 'One connection setting k=v over --command-config (repeatable)' },
  { name: 'topic', kind: { type: 'string' }, default: 'stampede-iot', describe: 'Topic to read; it must exist' },
  { name: 'group', kind: { type: 'string' }, describe: 'Consumer group id [default: a fresh stampede-consume-<random> group]' },
  { name: 'consumers', kind: { type: 'int', min: 1, max: 256 }, default: 1, describe: 'Consumer threads in the group' },
  { name: 'from', kind: { type: 'enum', values: ['earliest', 'latest'] }, default: 'earliest', describe: 'Where a group without committed offsets starts' },
  { name: 'records', kind: { type: 'int', min: 1, max: Number.MAX_SAFE_INTEGER }, describe: 'Stop after this many records in all; overrides --duration' },
  { name: 'duration', kind: { type: 'duration', minMs: 1 }, default: '30s', describe: 'Measured time (ignored when --records is set)' },
  { name: 'timeout', kind: { type: 'duration', minMs: 1000 }, default: '10m', describe: 'Upper bound on a --records run' },
  { name: 'consumer-props', kind: { type: 'props' }, default: [], describe: 'librdkafka consumer settings k=v, e.g. fetch.min.bytes=1048576 (repeatable)' },
  { name: 'format', kind: { type: 'enum', values: ['auto', 'none', ...RECORD_FORMATS] }, default: 'auto', describe: 'Record format for the integrity check (auto: detected on each consumer\'s first batch; records that are not stampede\'s are counted, not decoded); none: count records and bytes without decoding them' },
  { name: 'interval', kind: { type: 'duration', minMs: 100, maxMs: 3_600_000 }, default: '1s', describe: 'Live line and interval-row period' },
  { name: 'out', kind: { type: 'string' }, describe: 'JSON result path (default results/consume-<time>.json)' },
  { name: 'csv', kind: { type: 'string' }, describe: 'Also write the interval rows as CSV here (per-partition counts as p0, p1, …)' },
  { name: 'hgrm', kind: { type: 'string' }, describe: 'Also write HdrHistogram .hgrm files (poll interval, record age; values in ms) into this folder' },
] as const satisfies readonly OptionSpec[];

export interface ConsumeWorkload {
  brokers: string;
  commandConfig: string | undefined;
  commandProperties: Record<string, string>;
  topic: string;
  group: string | undefined;
  consumers: number;
  from: 'earliest' | 'latest';
  records: number | undefined;
  durationMs: number;
  timeoutMs: number;
  consumerProps: Record<string, string>;
  /** null: count without decoding (--format none) */
  format: FormatChoice | null;
  intervalMs: number;
  out: string | undefined;
  csv: string | undefined;
  hgrm: string | undefined;
}

/** Defaults, then flags; each value checked once, errors naming the flag. */
export function resolveConsumeWorkload(flags: Readonly<Record<string, unknown>>): ConsumeWorkload {
  const value = (name: (typeof CONSUME_OPTION_SPECS)[number]['name']): unknown => {
    const spec = CONSUME_OPTION_SPECS.find((candidate) => candidate.name === name)!;
    const raw = flags[name] ?? ('default' in spec ? spec.default : undefined);
    return raw === undefined ? undefined : parseByKind(`--${name}`, spec.kind, Array.isArray(raw) && spec.kind.type !== 'props' ? raw[raw.length - 1] : raw);
  };
  return {
    brokers: value('brokers') as string,
    commandConfig: value('command-config') as string | undefined,
    commandProperties: value('command-property') as Record<string, string>,
    topic: value('topic') as string,
    group: value('group') as string | undefined,
    consumers: value('consumers') as number,
    from: value('from') as 'earliest' | 'latest',
    records: value('records') as number | undefined,
    durationMs: value('duration') as number,
    timeoutMs: value('timeout') as number,
    consumerProps: value('consumer-props') as Record<string, string>,
    format: value('format') === 'none' ? null : (value('format') as FormatChoice),
    intervalMs: value('interval') as number,
    out: value('out') as string | undefined,
    csv: value('csv') as string | undefined,
    hgrm: value('hgrm') as string | undefined,
  };
}
