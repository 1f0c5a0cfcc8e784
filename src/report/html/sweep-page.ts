import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { redactDeep } from '../../connection/redact.js';
import type { SweepResult } from '../../experiments/sweep.js';
import type { SweepPoint } from '../../experiments/sweep-point.js';
import { formatCount } from '../../fmt.js';
import { toolVersion } from '../../version.js';
import { bestLine, sweepRows } from '../sweep.js';
import { colorOf } from './charts.js';
import { escapeHtml } from './escape.js';
import { kContentSecurityPolicy, kStyle } from './page.js';
import { barChartSvg } from './svg.js';
import { htmlTable } from './tables.js';

const labelOf = (point: SweepPoint): string => `#${point.index + 1} ${Object.entries(point.values).map(([name, value]) => `${name}=${value}`).join(' ')}`;

function figure(id: string, title: string, svg: string, note: string): string {
  return `<figure id="figure-${id}"><figcaption>${escapeHtml(title)}</figcaption><div class="notes-inline">${escapeHtml(note)}</div>${svg}</figure>`;
}

/** Bars per point: throughput, the latency percentiles side by side, CPU per million records. */
function sweepCharts(points: readonly SweepPoint[]): string[] {
  const categories = points.map(labelOf);
  const invalid = (point: SweepPoint): string => (point.valid ? '' : ' · NOT VALID');
  const throughput = barChartSvg({
    id: 'chart-sweep-throughput', title: 'Acknowledged records/s per point', categories, xLabel: 'point', yLabel: 'records/s (acked)',
    groups: [{ name: 'records/s', color: colorOf(0), values: points.map((point) => point.recordsPerSec), titles: points.map((point) => `${labelOf(point)}: ${formatCount(Math.round(point.recordsPerSec))} rec/s${invalid(point)}`) }],
  });
  const percentiles = [['p50', (point: SweepPoint) => point.latency.p50Us], ['p99', (point: SweepPoint) => point.latency.p99Us], ['p99.9', (point: SweepPoint) => point.latency.p999Us]] as const;
  const latency = barChartSvg({
    id: 'chart-sweep-latency', title: 'produce→ack latency per point (ms)', categories, xLabel: 'point', yLabel: 'latency (ms)',
    groups: percentiles.map(([name, pick], i) => ({ name, color: colorOf(i), values: points.map((point) => pick(point) / 1000), titles: points.map((point) => `${labelOf(point)}: ${name} ${(pick(point) / 1000).toFixed(2)} ms${invalid(point)}`) })),
  });
  const cpu = barChartSvg({
    id: 'chart-sweep-cpu', title: 'CPU seconds per million records per point', categories, xLabel: 'point', yLabel: 'CPU (s per million records)',
    groups: [{ name: 'CPU', color: colorOf(2), values: points.map((point) => point.cpuSecPerMillionRecords), titles: points.map((point) => `${labelOf(point)}: ${point.cpuSecPerMillionRecords ?? '—'} CPU s per million records`) }],
  });
  return [
    figure('chart-sweep-throughput', 'Throughput per point (acknowledged records/s)', throughput, 'measured window of each point\'s run'),
    figure('chart-sweep-latency', 'produce→ack latency per point (ms)', latency, `${percentiles.map(([name], i) => `${['blue', 'vermilion', 'green'][i]}: ${name}`).join(' · ')}`),
    figure('chart-sweep-cpu', 'CPU per million records per point (s)', cpu, 'the whole stampede process, measured window'),
  ];
}

/** One self-contained page comparing a sweep's points: table, best point, charts; no script, no network. */
export function renderSweepHtml(raw: SweepResult, generatedAt = new Date()): string {
  const sweep = redactDeep(raw);
  const { header, rows } = sweepRows(sweep);
  const varied = sweep.vary.map((axis) => `${axis.name} = ${axis.values.join(', ')}`).join('; ');
  const body = [
    `<h1>stampede sweep</h1><p class="sub">${sweep.points.length} of ${sweep.plannedPoints} point(s) · ${escapeHtml(varied)}${sweep.zip ? ' (zipped)' : ''} · seed ${sweep.seed} · started ${escapeHtml(sweep.startedAt)} · ${escapeHtml(sweep.host.hostname)}, ${sweep.host.cpus} CPUs · generated ${escapeHtml(generatedAt.toISOString())} by stampede ${escapeHtml(toolVersion)}</p>`,
    `<h2>Points</h2><p class="best">${escapeHtml(bestLine(sweep))}</p>`,
    htmlTable(header, rows, 'sweep-points'),
    ...(sweep.points.length > 0 ? ['<h2>Compared</h2>', ...sweepCharts(sweep.points)] : []),
    '<h2>Each point\'s result</h2>',
    htmlTable(['#', 'topic', 'partitions', 'workers', 'status', 'result file'], sweep.points.map((point) => [`${point.index + 1}`, point.topic, point.partitions, point.workers, point.status, point.resultFile])),
    '<footer>Every point is a full run with the same seed on a fresh topic; latency from HdrHistogram counts in µs. Open a point\'s result file with stampede report for its own charts.</footer>',
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${kContentSecurityPolicy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>stampede sweep ${escapeHtml(sweep.startedAt)}</title><style>${kStyle}</style></head>
<body>
${body.join('\n')}
</body></html>
`;
}

export function writeSweepHtml(path: string, sweep: SweepResult): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderSweepHtml(sweep));
  return path;
}
