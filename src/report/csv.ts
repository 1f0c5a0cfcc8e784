import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { IntervalRow } from '../contracts/result.js';
import type { RunSeries } from './inputs.js';

/** The interval row's fields, named as in the JSON (units in the names); e2e columns stay empty without --e2e. */
const kColumns: readonly (keyof IntervalRow)[] = [
  'elapsedMs', 'phase', 'recordsPerSec', 'mbPerSec', 'p50Us', 'p99Us', 'maxUs', 'errors', 'backpressureWaits',
  'totalSent', 'totalAcked', 'consumedPerSec', 'lagRecords', 'e2eP99Us',
  'processCpuCores', 'rssBytes', 'loopLagP99Ms', 'loopLagMaxMs', 'threadBusyPct', 'threadWaitingPct', 'boundThreads',
];

const kStageColumns = ['recordsPerSec', 'p99Us', 'processorLagRecords'] as const;

/**
 * A cell that starts with = + - @ (or a tab or carriage return before one) is a formula to a
 * spreadsheet, which may fetch URLs or run commands: a label comes from a file name anyone could
 * choose. Such text gets a leading ' (OWASP's CSV injection guard); a number, negative or not, is
 * left a number.
 */
const kFormulaStart = /^[=+\-@\t\r]/;
const kNumber = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;
const guardFormula = (text: string): string => (kFormulaStart.test(text) && !kNumber.test(text) ? `'${text}` : text);

/** RFC 4180: quote a field only when it holds a comma, quote or line break. */
const field = (value: unknown): string => {
  // Per-thread columns (threadBusyPct, boundThreads) are lists: space-separated in one cell.
  const text = guardFormula(value === undefined || value === null ? '' : Array.isArray(value) ? value.join(' ') : String(value));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** One line per interval row of every run, with the run's label first so several runs share one file. */
export function intervalsCsv(series: readonly RunSeries[]): string {
  // --observe: three columns per stage seen in any run, "stage <name> recordsPerSec" and so on.
  const stages = [...new Set(series.flatMap(({ run }) => run.intervals.flatMap((row) => (row.stages ?? []).map((stage) => stage.name))))];
  const stageColumns = stages.flatMap((name) => kStageColumns.map((column) => `stage ${name} ${column}`));
  const lines = [['run', ...kColumns, ...stageColumns].map(field).join(',')];
  for (const { label, run } of series) {
    for (const row of run.intervals) {
      const stageCells = stages.flatMap((name) => {
        const stage = row.stages?.find((candidate) => candidate.name === name);
        return kStageColumns.map((column) => stage?.[column]);
      });
      lines.push([label, ...kColumns.map((column) => row[column]), ...stageCells].map(field).join(','));
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function writeCsv(path: string, series: readonly RunSeries[]): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, intervalsCsv(series));
  return path;
}
