import type { IntervalRow } from '../../contracts/result.js';
import { formatCount } from '../../fmt.js';
import type { BenchMaxResult, RunSeries } from '../inputs.js';
import { decodeHdr, LATENCY_KINDS, type LatencyKey } from '../../histogram/latency-kinds.js';
import { hdrOf } from '../latency-hdr.js';
import { barChartSvg, lineChartSvg, type Band, type LinePoint, type LineSeries } from './svg.js';

/** Colour-blind-safe palette (Okabe–Ito, then Tableau); series i takes colour i. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#8c564b', '#7f7f7f', '#bcbd22'];
export const colorOf = (index: number): string => PALETTE[index % PALETTE.length]!;

const kWarmupFill = 'rgba(120,120,120,0.16)';
const kDrainFill = 'rgba(230,159,0,0.18)';
const kFaultFill = 'rgba(213,94,0,0.16)';

export interface RenderedChart {
  id: string;
  title: string;
  svg: string;
  /** what the line styles or bands mean, beside the series names */
  notes: string[];
}

const seconds = (row: IntervalRow): number => row.elapsedMs / 1000;

/** Explains only the bands the chart shows. */
function bandNotes(series: readonly RunSeries[]): string[] {
  const phases = new Set(series.flatMap(({ run }) => run.intervals.map((row) => row.phase)));
  const faulted = series.some(({ run }) => (run.faults ?? []).length > 0);
  return [...(phases.has('warmup') ? ['grey band: warmup'] : []), ...(phases.has('drain') ? ['amber band: drain'] : []), ...(faulted ? ['red band: a fault in effect'] : [])];
}

/** Each injected fault from its start until it was undone (the run's end when it never was), in seconds. */
export function faultBands(run: RunSeries['run']): Band[] {
  const lastS = run.intervals.length > 0 ? seconds(run.intervals[run.intervals.length - 1]!) : 0;
  return (run.faults ?? []).map((fault) => {
    if (fault.kind === 'broker-restart') return { from: fault.killedAtMs / 1000, to: (fault.restartedAtMs ?? lastS * 1000) / 1000, color: kFaultFill, label: 'broker-restart' };
    const to = fault.endMs === null ? lastS : Math.max(fault.endMs, fault.startMs + 100) / 1000;
    return { from: fault.startMs / 1000, to, color: kFaultFill, label: `${fault.kind}${fault.nodes.length > 0 ? ` node ${fault.nodes.join(',')}` : ''}` };
  });
}

/** Warmup and drain as x ranges in seconds, from each interval's [previous end, end]. */
export function phaseBands(rows: readonly IntervalRow[]): Band[] {
  const bands: Band[] = [];
  let previousEnd = 0;
  for (const row of rows) {
    const end = seconds(row);
    if (row.phase !== 'measure') {
      const last = bands[bands.length - 1];
      if (last && last.label.startsWith(row.phase) && Math.abs(last.to - previousEnd) < 1e-9) last.to = end;
      else bands.push({ from: previousEnd, to: end, color: row.phase === 'warmup' ? kWarmupFill : kDrainFill, label: row.phase });
    }
    previousEnd = end;
  }
  return bands;
}

function uniqueBands(series: readonly RunSeries[]): Band[] {
  const seen = new Set<string>();
  const bands: Band[] = [];
  for (const { run, label } of series) {
    for (const band of [...phaseBands(run.intervals), ...faultBands(run)]) {
      const key = `${band.label}:${band.from.toFixed(1)}:${band.to.toFixed(1)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      bands.push({ ...band, label: `${band.label} (${label}): ${band.from.toFixed(1)}–${band.to.toFixed(1)} s` });
    }
  }
  return bands;
}

export function throughputChart(series: readonly RunSeries[]): RenderedChart {
  const lines: LineSeries[] = series.map(({ label, run }, i) => ({
    name: label,
    color: colorOf(i),
    points: run.intervals.map((row) => ({ x: seconds(row), y: row.recordsPerSec, title: `${label} · ${seconds(row).toFixed(1)} s · ${row.phase}: ${formatCount(row.recordsPerSec)} rec/s` })),
  }));
  const title = 'Throughput per interval (acknowledged records/s)';
  const svg = lineChartSvg({ id: 'chart-throughput', title, x: { label: 'elapsed (s)', fromZero: true }, y: { label: 'records/s (acked)', fromZero: true }, series: lines, bands: uniqueBands(series) });
  return { id: 'chart-throughput', title, svg, notes: bandNotes(series) };
}

export function latencyOverTimeChart(series: readonly RunSeries[]): RenderedChart {
  const ms = (us: number): number => us / 1000;
  const point = (label: string, what: string, row: IntervalRow, us: number): LinePoint => ({ x: seconds(row), y: ms(us), title: `${label} · ${seconds(row).toFixed(1)} s · ${what} ${ms(us).toFixed(2)} ms` });
  const lines: LineSeries[] = series.flatMap(({ label, run }, i) => {
    const rows = run.intervals.filter((row) => row.recordsPerSec > 0 || row.p99Us > 0);
    const out: LineSeries[] = [
      { name: `${label} p99`, color: colorOf(i), points: rows.map((row) => point(label, 'produce→ack p99', row, row.p99Us)) },
      { name: `${label} p50`, color: colorOf(i), dash: 'dashed', points: rows.map((row) => point(label, 'produce→ack p50', row, row.p50Us)) },
    ];
    const e2eRows = run.intervals.filter((row) => row.e2eP99Us !== undefined && (row.consumedPerSec ?? 0) > 0);
    if (e2eRows.length > 0) out.push({ name: `${label} e2e p99`, color: colorOf(i), dash: 'dotted', points: e2eRows.map((row) => point(label, 'end-to-end p99', row, row.e2eP99Us ?? 0)) });
    return out;
  });
  const title = 'Latency per interval: p50 and p99 (ms)';
  const svg = lineChartSvg({ id: 'chart-latency-over-time', title, x: { label: 'elapsed (s)', fromZero: true }, y: { label: 'latency (ms)', fromZero: true }, series: lines, bands: uniqueBands(series) });
  const hasE2e = lines.some((line) => line.dash === 'dotted');
  return { id: 'chart-latency-over-time', title, svg, notes: ['solid: produce→ack p99', 'dashed: produce→ack p50', ...(hasE2e ? ['dotted: end-to-end p99'] : []), ...bandNotes(series)] };
}

/** HdrHistogram's plot: x = 1/(1−p) on a log axis, labelled as percentiles. */
const kSpectrumTicks = [0, 1, 2, 3, 4, 5, 6, 7].map((decade) => ({ value: 10 ** decade, label: decade === 0 ? '0%' : `${(100 - 100 / 10 ** decade).toFixed(Math.max(0, decade - 2))}%` }));

/** Percentile → value pairs, 20 per decade of 1/(1−p), up to the decade the count supports. */
export function spectrumPoints(base64: string, label: string): LinePoint[] {
  const histogram = decodeHdr(base64);
  const decades = Math.min(7, Math.max(1, Math.floor(Math.log10(Math.max(histogram.totalCount, 10)))));
  const points: LinePoint[] = [];
  for (let step = 0; step <= decades * 20; step++) {
    const inverse = 10 ** (step / 20);
    const percentile = 100 - 100 / inverse;
    const valueMs = histogram.getValueAtPercentile(percentile) / 1000;
    // Hover titles at each decade (p0, p90, p99, …) keep the markup small.
    points.push(step % 20 === 0 ? { x: inverse, y: valueMs, title: `${label} · p${+percentile.toFixed(5)}: ${valueMs.toFixed(3)} ms` } : { x: inverse, y: valueMs });
  }
  return points;
}

export function spectrumChart(series: readonly RunSeries[], key: LatencyKey): RenderedChart | null {
  const kind = LATENCY_KINDS.find((k) => k.key === key)!;
  const lines: LineSeries[] = [];
  series.forEach(({ label, run }, i) => {
    const base64 = hdrOf(run, key);
    if (base64 !== null) lines.push({ name: label, color: colorOf(i), points: spectrumPoints(base64, label) });
  });
  if (lines.length === 0) return null;
  const maxDecade = Math.max(...lines.map((line) => Math.round(Math.log10(line.points[line.points.length - 1]!.x))));
  const id = `chart-spectrum-${kind.slug}`;
  const title = `${kind.title} latency by percentile (ms)`;
  const svg = lineChartSvg({
    id,
    title,
    x: { label: 'percentile (axis: 1/(1−p), log scale)', scale: 'log', ticks: kSpectrumTicks.slice(0, maxDecade + 1) },
    y: { label: `${kind.title} latency (ms)`, fromZero: true },
    series: lines,
  });
  return { id, title, svg, notes: ['whole measured window, from the result\'s HdrHistogram'] };
}

export function partitionsChart(series: readonly RunSeries[]): RenderedChart | null {
  const withPartitions = series.map((s, i) => ({ ...s, color: colorOf(i) })).filter((s) => s.run.partitions !== null && s.run.partitions.perPartition.length > 0);
  if (withPartitions.length === 0) return null;
  const count = Math.max(...withPartitions.map((s) => s.run.partitions!.perPartition.length));
  const categories = Array.from({ length: count }, (_, i) => String(i));
  const title = 'Records consumed per partition';
  const svg = barChartSvg({
    id: 'chart-partitions',
    title,
    categories,
    xLabel: 'partition',
    yLabel: 'records',
    groups: withPartitions.map((s) => ({ name: s.label, color: s.color, values: categories.map((_, p) => s.run.partitions!.perPartition[p] ?? null) })),
  });
  return { id: 'chart-partitions', title, svg, notes: withPartitions.map((s) => `${s.label}: balance ${s.run.partitions!.balancePct} %`) };
}

/** bench-max: each tool's acknowledged records/s, one bar per input file. */
export function benchMaxChart(inputs: readonly { label: string; result: BenchMaxResult; color: string }[]): RenderedChart | null {
  if (inputs.length === 0) return null;
  const tools = [...new Set(inputs.flatMap((input) => input.result.peers.map((row) => row.tool)))];
  const title = 'bench-max: acknowledged records/s per tool (median run)';
  const svg = barChartSvg({
    id: 'chart-bench-max',
    title,
    categories: tools,
    xLabel: 'tool',
    yLabel: 'records/s (acked)',
    groups: inputs.map((input) => ({ name: input.label, color: input.color, values: tools.map((tool) => input.result.peers.find((row) => row.tool === tool)?.recordsPerSec ?? null) })),
  });
  return { id: 'chart-bench-max', title, svg, notes: [] };
}
