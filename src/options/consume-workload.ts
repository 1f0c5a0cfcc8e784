import { optionValue } from './values.js';
import type { FormatChoice } from '../verify/sink.js';

/** `stampede consume`'s options, resolved (declared with every other command's in schema.ts). */
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
  const value = (name: string): unknown => optionValue('consume', name, flags);
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
