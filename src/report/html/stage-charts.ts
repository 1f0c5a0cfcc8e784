import type { IntervalRow } from '../../contracts/result.js';
import type { RunSeries } from '../inputs.js';
import { colorOf, type RenderedChart } from './charts.js';
import { lineChartSvg, type LineSeries } from './svg.js';

const seconds = (row: IntervalRow): number => row.elapsedMs / 1000;

/** Every observed stage's name in any run, in pipeline order of first appearance. */
function stageNames(series: readonly RunSeries[]): string[] {
  return [...new Set(series.flatMap(({ run }) => (run.stages ?? []).map((stage) => stage.name)))];
}

/**
 * One chart per observed stage: the p99 latency (send → read from the stage's topic) of each
 * interval's records, per run; the processor's lag has its own chart (processorLagChart).
 */
export function stageCharts(series: readonly RunSeries[]): RenderedChart[] {
  return stageNames(series).map((name, index) => {
    const lines: LineSeries[] = series.flatMap(({ label, run }, i) => {
      const points = run.intervals.flatMap((row) => {
        const stage = row.stages?.find((candidate) => candidate.name === name);
        if (stage === undefined || stage.p99Us === null) return [];
        const ms = stage.p99Us / 1000;
        return [{ x: seconds(row), y: ms, title: `${label} · ${seconds(row).toFixed(1)} s · stage ${name} p99 ${ms.toFixed(2)} ms, ${stage.recordsPerSec} rec/s` }];
      });
      return points.length === 0 ? [] : [{ name: `${label} ${name} p99`, color: colorOf(i), points }];
    });
    const id = `chart-stage-${index}`;
    const title = `Stage ${name}: p99 latency per interval (ms)`;
    const svg = lineChartSvg({ id, title, x: { label: 'elapsed (s)', fromZero: true }, y: { label: 'latency (ms)', fromZero: true }, series: lines });
    return { id, title, svg, notes: ['send (the stage\'s trace) → read from the stage\'s topic'] };
  });
}

const kStageDashes = ['solid', 'dashed', 'dotted'] as const;

/**
 * --processor-group: the user's processor's lag on each watched stage's input (log-end − committed
 * offsets), per interval; one colour per run, one dash per stage. Null when no stage was watched.
 */
export function processorLagChart(series: readonly RunSeries[]): RenderedChart | null {
  const names = stageNames(series);
  const lines: LineSeries[] = series.flatMap(({ label, run }, i) =>
    names.flatMap((name, s) => {
      const points = run.intervals.flatMap((row) => {
        const lag = row.stages?.find((candidate) => candidate.name === name)?.processorLagRecords;
        return lag === undefined || lag === null ? [] : [{ x: seconds(row), y: lag, title: `${label} · ${seconds(row).toFixed(1)} s · stage ${name} processor lag ${lag} records` }];
      });
      return points.length === 0 ? [] : [{ name: `${label} ${name} lag`, color: colorOf(i), dash: kStageDashes[s % kStageDashes.length], points }];
    }),
  );
  if (lines.length === 0) return null;
  const id = 'chart-processor-lag';
  const title = 'Processor lag on each stage\'s input per interval (records)';
  const svg = lineChartSvg({ id, title, x: { label: 'elapsed (s)', fromZero: true }, y: { label: 'processor lag (records)', fromZero: true }, series: lines });
  const watched = names.flatMap((name, s) => (lines.some((line) => line.name.endsWith(` ${name} lag`)) ? [`${kStageDashes[s % kStageDashes.length]}: stage ${name}`] : []));
  return { id, title, svg, notes: ['log-end − committed offsets of the --processor-group on the stage\'s input', ...watched] };
}
