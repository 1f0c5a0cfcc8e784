import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { StampedeError } from '../errors.js';
import type { CompareResult } from '../experiments/compare.js';
import type { HostFacts } from '../runtime.js';
import type { RunResult } from '../contracts/result.js';

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

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

const looksLikeRun = (value: unknown): value is RunResult =>
  isObject(value) && isObject(value['totals']) && isObject(value['latency']) && Array.isArray(value['intervals']);

/** Tells the kinds apart by their shape; anything else is bad input (exit 2) naming the file. */
export function classifyResult(file: string, doc: unknown, label = basename(file).replace(/\.json$/i, '')): ReportInput {
  if (isObject(doc) && doc['kind'] === 'compare' && isObject(doc['modes'])) return { kind: 'compare', file, label, result: doc as unknown as CompareResult };
  if (isObject(doc) && doc['kind'] === 'bench-max' && Array.isArray(doc['peers'])) return { kind: 'bench-max', file, label, result: doc as unknown as BenchMaxResult };
  if (looksLikeRun(doc)) return { kind: 'run', file, label, result: doc };
  throw new StampedeError('E_OPTION', `${file} is not a stampede result (run, merge, compare or bench-max JSON)`);
}

export function readResultFile(file: string): ReportInput {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new StampedeError('E_OPTION', `result file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new StampedeError('E_OPTION', `result file ${file} is not JSON: ${(err as Error).message}`);
  }
  return classifyResult(file, doc);
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
