import type { LevelResult } from '../../contracts/levels.js';
import type { IntervalRow, RunResult } from '../../contracts/result.js';
import { formatCount } from '../../fmt.js';
import type { RunSeries } from '../inputs.js';
import { colorOf, type RenderedChart } from './charts.js';
import { lineChartSvg, type LinePoint, type LineSeries } from './svg.js';

/** Runs with a load schedule's levels, keeping each run's colour from the page's legend. */
const scheduled = (series: readonly RunSeries[]): { label: string; run: RunResult; color: string }[] =>
  series.flatMap(({ label, run }, i) => ((run.levels?.length ?? 0) > 0 ? [{ label, run, color: colorOf(i) }] : []));

const verdictOf = (level: LevelResult): string => (level.validity.valid ? '' : ' · NOT VALID');

function levelPoint(label: string, level: LevelResult, y: number, what: string): LinePoint {
  return { x: level.targetRecordsPerSec, y, title: `${label} · level ${formatCount(level.targetRecordsPerSec)} rec/s: ${what}${verdictOf(level)}` };
}

/** The knee as a note: the curve shows where latency bends, the note says where the thresholds put it. */
function kneeNotes(runs: readonly { label: string; run: RunResult }[]): string[] {
  return runs.flatMap(({ label, run }) => {
    const knee = run.knee;
    if (!knee) return [];
    const passed = knee.highestPassedRecordsPerSec === null ? 'none' : `${formatCount(knee.highestPassedRecordsPerSec)} rec/s`;
    const failed = knee.firstFailedRecordsPerSec === null ? 'none' : `${formatCount(knee.firstFailedRecordsPerSec)} rec/s`;
    return [`${label} knee: highest level meeting the thresholds ${passed}, first failing ${failed}`];
  });
}

const invalidNotes = (runs: readonly { label: string; run: RunResult }[]): string[] =>
  runs.flatMap(({ label, run }) => (run.levels ?? []).filter((level) => !level.validity.valid).map((level) => `${label} ${formatCount(level.targetRecordsPerSec)} rec/s NOT VALID: ${level.validity.reason}`));

/** Each level's own produce→ack p50, p99 and p99.9 (and end-to-end p99) against the rate it asked. */
export function latencyCurveChart(series: readonly RunSeries[]): RenderedChart | null {
  const runs = scheduled(series);
  if (runs.length === 0) return null;
  const ms = (us: number): number => us / 1000;
  const lines: LineSeries[] = runs.flatMap(({ label, run, color }) => {
    const levels = run.levels!.filter((level) => level.latency.produceAck.count > 0);
    const curve = (name: string, dash: LineSeries['dash'], pick: (level: LevelResult) => number | null): LineSeries[] => {
      const points = levels.flatMap((level) => {
        const us = pick(level);
        return us === null ? [] : [levelPoint(label, level, ms(us), `${name} ${ms(us).toFixed(2)} ms`)];
      });
      return points.length === 0 ? [] : [{ name: `${label} ${name}`, color, dash, points }];
    };
    return [
      ...curve('p99.9', 'dotted', (level) => level.latency.produceAck.p999),
      ...curve('p99', 'solid', (level) => level.latency.produceAck.p99),
      ...curve('p50', 'dashed', (level) => level.latency.produceAck.p50),
      ...curve('e2e p99', 'dotted', (level) => (level.latency.endToEnd && level.latency.endToEnd.count > 0 ? level.latency.endToEnd.p99 : null)),
    ];
  });
  const id = 'chart-curve-latency';
  const title = 'The curve: produce→ack latency per level against its target rate (ms)';
  const svg = lineChartSvg({ id, title, x: { label: 'target rate (records/s)', fromZero: true }, y: { label: 'latency (ms)', fromZero: true }, series: lines });
  const hasE2e = lines.some((line) => line.name.endsWith('e2e p99'));
  return { id, title, svg, notes: ['solid: p99', 'dashed: p50', 'dotted: p99.9', ...(hasE2e ? ['e2e p99 named in its line'] : []), 'each level from its own histograms', ...kneeNotes(runs), ...invalidNotes(runs)] };
}

/** Achieved against target per level, beside the line a run that holds every level would follow. */
export function rateCurveChart(series: readonly RunSeries[]): RenderedChart | null {
  const runs = scheduled(series);
  if (runs.length === 0) return null;
  const targets = runs.flatMap(({ run }) => run.levels!.map((level) => level.targetRecordsPerSec));
  const held: LineSeries = { name: 'achieved = target', color: '#7f7f7f', dash: 'dashed', points: [{ x: 0, y: 0 }, { x: Math.max(...targets), y: Math.max(...targets) }] };
  const lines: LineSeries[] = runs.map(({ label, run, color }) => ({
    name: `${label} achieved`,
    color,
    points: run.levels!.map((level) => levelPoint(label, level, level.achievedRecordsPerSec, `achieved ${formatCount(Math.round(level.achievedRecordsPerSec))} rec/s`)),
  }));
  const id = 'chart-curve-rate';
  const title = 'The curve: achieved rate per level against its target rate (records/s)';
  const svg = lineChartSvg({ id, title, x: { label: 'target rate (records/s)', fromZero: true }, y: { label: 'achieved (records/s)', fromZero: true }, series: [held, ...lines] });
  return { id, title, svg, notes: ['grey dashed: achieved = target (a level held in full)', ...invalidNotes(runs)] };
}

/** The interval rows inside a level: those whose end falls in (start, end]. */
const rowsOf = (run: RunResult, level: LevelResult): IntervalRow[] => run.intervals.filter((row) => row.elapsedMs > level.startMs && row.elapsedMs <= level.endMs);

const maxOf = (values: readonly (number | null | undefined)[]): number | null => {
  const present = values.filter((value): value is number => typeof value === 'number');
  return present.length === 0 ? null : Math.max(...present);
};

/** The lags a run's intervals carry: its end-to-end consumers' and each observed processor's. */
function lagSources(run: RunResult): { name: string; pick: (row: IntervalRow) => number | null | undefined }[] {
  const sources: { name: string; pick: (row: IntervalRow) => number | null | undefined }[] = [];
  if (run.intervals.some((row) => row.lagRecords !== undefined)) sources.push({ name: 'consumer lag', pick: (row) => row.lagRecords });
  const stages = [...new Set(run.intervals.flatMap((row) => (row.stages ?? []).filter((stage) => stage.processorLagRecords !== null).map((stage) => stage.name)))];
  for (const name of stages) sources.push({ name: `processor lag (${name})`, pick: (row) => row.stages?.find((stage) => stage.name === name)?.processorLagRecords });
  return sources;
}

/** The highest lag seen during each level against its target rate; null when no run measured a lag. */
export function lagCurveChart(series: readonly RunSeries[]): RenderedChart | null {
  const dashes: LineSeries['dash'][] = ['solid', 'dashed', 'dotted'];
  const lines: LineSeries[] = scheduled(series).flatMap(({ label, run, color }) =>
    lagSources(run).flatMap(({ name, pick }, s) => {
      const points = run.levels!.flatMap((level) => {
        const lag = maxOf(rowsOf(run, level).map(pick));
        return lag === null ? [] : [levelPoint(label, level, lag, `${name} max ${formatCount(lag)} records`)];
      });
      return points.length === 0 ? [] : [{ name: `${label} ${name}`, color, dash: dashes[s % dashes.length], points }];
    }),
  );
  if (lines.length === 0) return null;
  const id = 'chart-curve-lag';
  const title = 'The curve: highest lag per level against its target rate (records)';
  const svg = lineChartSvg({ id, title, x: { label: 'target rate (records/s)', fromZero: true }, y: { label: 'lag (records)', fromZero: true }, series: lines });
  return { id, title, svg, notes: ['the highest lag of the level\'s interval rows', ...lines.map((line) => `${line.dash ?? 'solid'}: ${line.name}`)] };
}

/** The capacity curve's charts a page shows, in reading order. */
export function curveCharts(series: readonly RunSeries[]): RenderedChart[] {
  return [latencyCurveChart(series), rateCurveChart(series), lagCurveChart(series)].filter((chart): chart is RenderedChart => chart !== null);
}
