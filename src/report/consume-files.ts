import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ConsumeIntervalRow, ConsumeResult } from '../contracts/consume-result.js';
import { hgrmText } from './hgrm.js';

/** The consume interval row's scalar fields, named as in the JSON; per-partition counts follow as p0, p1, … */
const kColumns: readonly (keyof ConsumeIntervalRow)[] = ['elapsedMs', 'phase', 'recordsPerSec', 'mbPerSec', 'lagRecords', 'membersReading', 'pollIntervalP50Us', 'pollIntervalP99Us', 'pollIntervalMaxUs', 'totalConsumed'];

/** `stampede consume --csv`: one line per interval, the same columns as the JSON rows (RFC 4180; no field needs quoting). */
export function consumeIntervalsCsv(result: ConsumeResult): string {
  const partitions = Array.from({ length: result.topic.partitions }, (_, partition) => `p${partition}`);
  const lines = [[...kColumns, ...partitions].join(',')];
  for (const row of result.intervals) lines.push([...kColumns.map((column) => String(row[column])), ...partitions.map((_, partition) => String(row.perPartition[partition] ?? 0))].join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** --csv FILE and --hgrm DIR of a consume run (poll-interval.hgrm, and record-age.hgrm for stampede's records); one line per file written. */
export function writeConsumeReports(result: ConsumeResult, targets: { csv: string | undefined; hgrm: string | undefined }): string[] {
  const lines: string[] = [];
  if (targets.csv !== undefined) {
    mkdirSync(dirname(targets.csv), { recursive: true });
    writeFileSync(targets.csv, consumeIntervalsCsv(result));
    lines.push(`csv: ${targets.csv}`);
  }
  if (targets.hgrm !== undefined) {
    mkdirSync(targets.hgrm, { recursive: true });
    const written: string[] = [];
    for (const [slug, what, latency] of [['poll-interval', 'poll-to-poll interval', result.latency.pollInterval], ['record-age', 'record age (receive − send)', result.latency.recordAge]] as const) {
      if (latency === null) continue;
      const path = join(targets.hgrm, `${slug}.hgrm`);
      writeFileSync(path, hgrmText(latency.hdr, `${what} of consume ${result.groupId} (${result.startedAt})`));
      written.push(path);
    }
    lines.push(`hgrm: ${written.join(', ')}`);
  }
  return lines;
}
