import { renderTable } from '../../src/fmt.js';
import type { ToolResult } from './types.js';

/**
 * Like for like: each tool over its interleaved rounds, as min / median / max of acknowledged
 * records/s and of CPU-seconds per million acknowledged records, where the CPU is the tool's own
 * process tree over its whole life (start-up included, exact: child-cpu.ts) and the records are all
 * it had acknowledged by its exit. The broker's CPU over the same runs sits beside it.
 */
export interface Spread {
  min: number;
  median: number;
  max: number;
}

export interface SpreadRow {
  tool: string;
  /** runs that produced a figure, and those that failed */
  runs: number;
  failed: number;
  recordsPerSec: Spread | null;
  cpuSecPerMillion: Spread | null;
  brokerCpuSecPerMillion: Spread | null;
  toolCores: Spread | null;
}

export function spreadOf(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = sorted.length % 2 === 1 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { min: sorted[0]!, median, max: sorted[sorted.length - 1]! };
}

/** CPU-seconds per million records the tool acknowledged over its whole life; null without both. */
export function cpuPerMillion(seconds: number | null | undefined, ackedRecords: number): number | null {
  return seconds === null || seconds === undefined || ackedRecords <= 0 ? null : (seconds * 1e6) / ackedRecords;
}

export function spreadRow(tool: string, runs: readonly ToolResult[]): SpreadRow {
  const good = runs.filter((run) => !run.error && run.recordsPerSec > 0);
  const acked = (run: ToolResult): number => run.ackedTotal ?? run.records;
  const defined = (values: (number | null)[]): number[] => values.filter((value): value is number => value !== null);
  return {
    tool,
    runs: good.length,
    failed: runs.length - good.length,
    recordsPerSec: spreadOf(good.map((run) => run.recordsPerSec)),
    cpuSecPerMillion: spreadOf(defined(good.map((run) => cpuPerMillion(run.cpu.toolSeconds, acked(run))))),
    brokerCpuSecPerMillion: spreadOf(defined(good.map((run) => cpuPerMillion(run.cpu.brokerSeconds, acked(run))))),
    toolCores: spreadOf(good.map((run) => run.cpu.toolCores)),
  };
}

/** Median ÷ median, two decimals; null when either side has no figure. */
export function ratio(numerator: Spread | null, denominator: Spread | null): number | null {
  return numerator && denominator && denominator.median > 0 ? Math.round((100 * numerator.median) / denominator.median) / 100 : null;
}

const thousands = (value: number): string => `${Math.round(value / 1000).toLocaleString('en-US')}k`;
const spreadText = (spread: Spread | null, format: (value: number) => string): string => (spread === null ? '—' : `${format(spread.min)} / ${format(spread.median)} / ${format(spread.max)}`);

export function renderSpread(rows: readonly SpreadRow[]): string {
  return renderTable(
    ['tool', 'runs', 'records/s min / median / max', 'CPU-s per M acked (tool)', 'broker CPU-s per M', 'tool CPU (cores)'],
    rows.map((row) => [
      row.tool,
      row.failed > 0 ? `${row.runs} (+${row.failed} failed)` : String(row.runs),
      spreadText(row.recordsPerSec, thousands),
      spreadText(row.cpuSecPerMillion, (value) => value.toFixed(2)),
      spreadText(row.brokerCpuSecPerMillion, (value) => value.toFixed(2)),
      spreadText(row.toolCores, (value) => value.toFixed(2)),
    ]),
  );
}

/** The headline ratios, medians against medians (CPU ratios: the tool's CPU per M ÷ the other's). */
export interface LikeForLikeRatios {
  unkeyedOverRdkafkaRecords: number | null;
  unkeyedOverRdkafkaCpuPerMillion: number | null;
  keyedOverUnkeyedRecords: number | null;
  keyedOverUnkeyedCpuPerMillion: number | null;
  producerPerformanceOverUnkeyedRecords: number | null;
  producerPerformanceOverUnkeyedCpuPerMillion: number | null;
}

export function likeForLikeRatios(rows: { unkeyed: SpreadRow; keyed: SpreadRow; rdkafka: SpreadRow; producerPerformance: SpreadRow }): LikeForLikeRatios {
  const { unkeyed, keyed, rdkafka, producerPerformance } = rows;
  return {
    unkeyedOverRdkafkaRecords: ratio(unkeyed.recordsPerSec, rdkafka.recordsPerSec),
    unkeyedOverRdkafkaCpuPerMillion: ratio(unkeyed.cpuSecPerMillion, rdkafka.cpuSecPerMillion),
    keyedOverUnkeyedRecords: ratio(keyed.recordsPerSec, unkeyed.recordsPerSec),
    keyedOverUnkeyedCpuPerMillion: ratio(keyed.cpuSecPerMillion, unkeyed.cpuSecPerMillion),
    producerPerformanceOverUnkeyedRecords: ratio(producerPerformance.recordsPerSec, unkeyed.recordsPerSec),
    producerPerformanceOverUnkeyedCpuPerMillion: ratio(producerPerformance.cpuSecPerMillion, unkeyed.cpuSecPerMillion),
  };
}

export function renderRatios(ratios: LikeForLikeRatios): string {
  const show = (value: number | null): string => (value === null ? '—' : value.toFixed(2));
  return [
    `stampede unkeyed ×1 ÷ rdkafka_performance: ${show(ratios.unkeyedOverRdkafkaRecords)} in records/s (goal ≥ 1.1), ${show(ratios.unkeyedOverRdkafkaCpuPerMillion)}× its CPU per M acked (goal ≤ 1.0)`,
    `stampede keyed ÷ unkeyed: ${show(ratios.keyedOverUnkeyedRecords)} in records/s (goal ≥ 0.85), ${show(ratios.keyedOverUnkeyedCpuPerMillion)}× the CPU per M acked`,
    `ProducerPerformance ÷ stampede unkeyed: ${show(ratios.producerPerformanceOverUnkeyedRecords)} in records/s, ${show(ratios.producerPerformanceOverUnkeyedCpuPerMillion)}× the CPU per M acked`,
  ].join('\n');
}

/** The fastest sweep point at one producer thread: the peers produce from one thread too. */
export function bestSingleThread<T extends { recordsPerSec: number; error?: string; run: { workers: number } }>(sweep: readonly T[]): T | undefined {
  return sweep.filter((row) => !row.error && row.run.workers === 1).sort((a, b) => b.recordsPerSec - a.recordsPerSec)[0];
}

/**
 * The whole process as `/usr/bin/time` sees it: one tool and the other each asked for the same
 * record count, start-up, connection, settle and exit included. Medians over the rounds of the
 * CPU-seconds (user + system, process tree) and of the wall seconds per run.
 */
export interface WholeProcess {
  records: number;
  cpuSec: Spread | null;
  wallSec: Spread | null;
}

export function wholeProcessOf(runs: readonly ToolResult[], records: number): WholeProcess {
  const good = runs.filter((run) => !run.error && run.recordsPerSec > 0);
  return {
    records,
    cpuSec: spreadOf(good.flatMap((run) => (run.cpu.toolSeconds === undefined ? [] : [run.cpu.toolSeconds]))),
    wallSec: spreadOf(good.map((run) => run.wallMs / 1000)),
  };
}

export function renderWholeProcess(stampede: WholeProcess, rdkafka: WholeProcess): string {
  const seconds = (spread: Spread | null): string => spreadText(spread, (value) => value.toFixed(2));
  const records = `${(stampede.records / 1e6).toLocaleString('en-US')}M`;
  return [
    `Whole process over ${records} records (CPU-s user + system and wall s, min / median / max; start-up and settle included):`,
    `  stampede --keys none ×1: ${seconds(stampede.cpuSec)} CPU-s, ${seconds(stampede.wallSec)} s wall`,
    `  rdkafka_performance:     ${seconds(rdkafka.cpuSec)} CPU-s, ${seconds(rdkafka.wallSec)} s wall`,
    `  stampede ÷ rdkafka_performance: ${ratio(stampede.cpuSec, rdkafka.cpuSec)?.toFixed(2) ?? '—'}× the CPU (goal ≤ 1.0), ${ratio(rdkafka.wallSec, stampede.wallSec)?.toFixed(2) ?? '—'}× the speed by wall clock`,
  ].join('\n');
}
