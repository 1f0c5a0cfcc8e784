import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { StampedeError } from '../errors.js';
import type { CompareResult } from '../experiments/compare.js';
import type { HostFacts } from '../runtime.js';
import type { RunResult } from '../contracts/result.js';
import { formatBytes } from '../fmt.js';
import { benchMaxResultShape, claimedKind, compareResultShape, runResultShape } from './result-schema.js';

/** One tool's row of a bench-max result (bench/max/types.ts ToolResult, as read back from JSON). */
export interface BenchMaxRow {
  tool: string;
  label?: string;
  recordsPerSec: number;
  mbPerSec: number;
  p50Ms: number | null;
  p99Ms: number | null;
  records: number;
  error?: string;
}

/** The JSON `make bench-max` writes (bench/max/main.ts), the fields reports read. */
export interface BenchMaxResult {
  schemaVersion: 1;
  kind: 'bench-max';
  bootstrap: string;
  recordSizeBytes: number;
  partitions: number;
  librdkafka: Record<string, string>;
  host: HostFacts;
  runtime: { name: string; version: string };
  sweep: BenchMaxRow[];
  peers: BenchMaxRow[];
  rounds: number;
  latencyTracking?: { costPct: number | null };
}

/** A result file as read: a run (or a merged multi-host run), a compare, or a bench-max. */
export type ReportInput =
  | { kind: 'run'; file: string; label: string; result: RunResult }
  | { kind: 'compare'; file: string; label: string; result: CompareResult }
  | { kind: 'bench-max'; file: string; label: string; result: BenchMaxResult };

/** One run's data under the name the report shows: a run file, or one mode of a compare. */
export interface RunSeries {
  label: string;
  file: string;
  run: RunResult;
}

/**
 * Tells the kinds apart by what they claim to be, then checks the claim against that kind's shape
 * (src/report/result-schema.ts); anything else is bad input (exit 2) in one line naming the file,
 * and the field when it is one.
 */
export function classifyResult(file: string, doc: unknown, label = basename(file).replace(/\.json$/i, '')): ReportInput {
  const kind = claimedKind(doc);
  if (kind === null) throw new StampedeError('E_OPTION', `${file} is not a stampede result (run, merge, compare or bench-max JSON)`);
  const shape = kind === 'compare' ? compareResultShape : kind === 'bench-max' ? benchMaxResultShape : runResultShape;
  const problem = shape(doc, '');
  if (problem !== null) throw new StampedeError('E_OPTION', `result file ${file} is not a valid ${kind} result: ${problem}`);
  if (kind === 'compare') return { kind, file, label, result: doc as CompareResult };
  if (kind === 'bench-max') return { kind, file, label, result: doc as BenchMaxResult };
  return { kind, file, label, result: doc as RunResult };
}

/** Larger than any result a week-long run writes (a few hundred bytes per interval row); a larger file is not read at all. */
export const kMaxResultFileBytes = 512 * 2 ** 20;

/** A result file's JSON, read only when its size is within bounds; unreadable or not JSON is bad input naming the file. */
export function readResultJson(file: string): unknown {
  let text: string;
  try {
    const bytes = statSync(file).size;
    if (bytes > kMaxResultFileBytes) throw new StampedeError('E_OPTION', `result file ${file} is ${formatBytes(bytes)}, larger than any stampede result (${formatBytes(kMaxResultFileBytes)})`);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof StampedeError) throw err;
    throw new StampedeError('E_OPTION', `result file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return parseResultText(file, text);
}

export function parseResultText(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new StampedeError('E_OPTION', `result file ${file} is not JSON: ${(err as Error).message.slice(0, 200)}`);
  }
}

export function readResultFile(file: string): ReportInput {
  return classifyResult(file, readResultJson(file));
}

/** Labels must tell inputs apart in a legend: two files named run.json in different folders get their folder too. */
export function readResultFiles(files: readonly string[]): ReportInput[] {
  const inputs = files.map(readResultFile);
  const seen = new Map<string, number>();
  for (const input of inputs) seen.set(input.label, (seen.get(input.label) ?? 0) + 1);
  return inputs.map((input, index) => ((seen.get(input.label) ?? 0) > 1 ? { ...input, label: `${input.label} (${index + 1}: ${input.file})` } : input));
}

/** Every run inside the inputs: a run file is one, a compare three (micro, broker, end to end), a bench-max none. */
export function runSeriesOf(inputs: readonly ReportInput[]): RunSeries[] {
  const series: RunSeries[] = [];
  for (const input of inputs) {
    if (input.kind === 'run') series.push({ label: input.label, file: input.file, run: input.result });
    if (input.kind === 'compare') {
      const { micro, broker, endToEnd } = input.result.modes;
      series.push({ label: `${input.label} · micro`, file: input.file, run: micro });
      series.push({ label: `${input.label} · broker`, file: input.file, run: broker });
      series.push({ label: `${input.label} · end to end`, file: input.file, run: endToEnd });
    }
  }
  return series;
}
