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
 * interval's records, per run; the processor's lag is in the CSV and the JSON intervals.
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
