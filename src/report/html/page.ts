import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { redactDeep } from '../../connection/redact.js';
import { toolVersion } from '../../version.js';
import { runSeriesOf, type ReportInput } from '../inputs.js';
import { processorLagChart, stageCharts } from './stage-charts.js';
import { curveCharts } from './curve-charts.js';
import { benchMaxChart, colorOf, latencyOverTimeChart, partitionsChart, spectrumChart, throughputChart, type RenderedChart } from './charts.js';
import { escapeHtml } from './escape.js';
import { benchMaxTables, hostsTable, integrityTable, latencyTable, runDetails, summaryTable, thresholdsTable } from './tables.js';

/**
 * No script, no fetch: charts are inline SVG drawn here. The policy makes the browser refuse any
 * network request the page might make by mistake, and the browser test fails on that refusal.
 */
export const kContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export const kStyle = `
:root{--fg:#1d1d1f;--muted:#5f6368;--line:#d9dce1;--bg:#fff;--panel:#f7f8fa}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1180px;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:32px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}h4{font-size:13px;margin:12px 0 4px;color:var(--muted)}
.sub{color:var(--muted);margin:0 0 16px}
.legend{list-style:none;padding:0;margin:6px 0;display:flex;flex-wrap:wrap;gap:6px 18px}.legend li{display:flex;align-items:center;gap:6px}
.swatch{display:inline-block;width:22px;height:4px;border-radius:2px}.notes-inline{color:var(--muted);font-size:12px}
figure{margin:12px 0 20px;padding:10px 12px;background:var(--panel);border:1px solid var(--line);border-radius:6px}figcaption{font-weight:600;margin-bottom:4px}
svg.chart{width:100%;height:auto;display:block;background:#fff}
svg .grid{stroke:#e6e8eb;stroke-width:1}svg .frame{fill:none;stroke:#9aa0a6}svg .tick{font-size:11px;fill:#5f6368}svg .axis-label{font-size:12.5px;fill:#1d1d1f}
svg .series{fill:none;stroke-width:1.8;stroke-linejoin:round}svg .point{opacity:.85}svg .bar{opacity:.9}
table{border-collapse:collapse;margin:6px 0 14px;font-size:13px}th,td{border-bottom:1px solid var(--line);padding:4px 10px;text-align:left;vertical-align:top}th{background:var(--panel)}td.num{text-align:right;font-variant-numeric:tabular-nums}
table.kv td:first-child{color:var(--muted);white-space:nowrap}table.kv td{word-break:break-all}
details.run-details{margin:10px 0;border:1px solid var(--line);border-radius:6px;padding:6px 12px}details summary{cursor:pointer;font-weight:600}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:0 24px}
ul.notes{color:var(--muted)}footer{margin-top:32px;color:var(--muted);font-size:12px}
@media print{details{display:block}details>*{display:block}}
`;

interface LegendEntry {
  label: string;
  file: string;
  color: string;
}

const legendHtml = (entries: readonly LegendEntry[], className: string): string =>
  `<ul class="legend ${className}">${entries.map((e) => `<li data-file="${escapeHtml(e.file)}"><span class="swatch" style="background:${e.color}"></span><span>${escapeHtml(e.label)}</span></li>`).join('')}</ul>`;

function figure(chart: RenderedChart | null, legend: string): string {
  if (chart === null) return '';
  const notes = chart.notes.length ? `<div class="notes-inline">${chart.notes.map(escapeHtml).join(' · ')}</div>` : '';
  return `<figure id="figure-${escapeHtml(chart.id)}"><figcaption>${escapeHtml(chart.title)}</figcaption>${legend}${notes}${chart.svg}</figure>`;
}

/**
 * One self-contained page from any mix of run, merge, compare and bench-max results; several
 * inputs overlay on the same axes, one colour each, named in every legend.
 */
export function renderReportHtml(rawInputs: readonly ReportInput[], generatedAt = new Date()): string {
  // A page rendered from an in-memory result (`run --html`) has not been through writeJson yet.
  const inputs = redactDeep(rawInputs as ReportInput[]);
  const series = runSeriesOf(inputs);
  const runLegend = legendHtml(series.map((s, i) => ({ label: s.label, file: s.file, color: colorOf(i) })), 'runs');
  const benchInputs = inputs.flatMap((input, i) => (input.kind === 'bench-max' ? [{ label: input.label, file: input.file, result: input.result, color: colorOf(i) }] : []));
  const inputLegend = legendHtml(inputs.map((input, i) => ({ label: `${input.label} — ${input.kind} — ${input.file}`, file: input.file, color: input.kind === 'bench-max' ? colorOf(i) : colorOf(series.findIndex((s) => s.file === input.file)) })), 'inputs');

  const body: string[] = [];
  body.push(`<h1>stampede report</h1><p class="sub">${inputs.length} result file(s) · generated ${escapeHtml(generatedAt.toISOString())} by stampede ${escapeHtml(toolVersion)}</p>`);
  body.push(`<h2>Inputs</h2>${inputLegend}`);
  if (series.length > 0) {
    body.push('<h2>Summary</h2>', summaryTable(series));
    const curve = curveCharts(series);
    if (curve.length > 0) body.push('<h2>The curve: latency and rate per load level</h2>', ...curve.map((chart) => figure(chart, runLegend)));
    body.push('<h2>Over time</h2>');
    body.push(figure(throughputChart(series), runLegend));
    body.push(figure(latencyOverTimeChart(series), runLegend));
    const stages = stageCharts(series);
    const lag = processorLagChart(series);
    if (stages.length > 0) body.push('<h2>Pipeline stages</h2>', ...stages.map((chart) => figure(chart, runLegend)), ...(lag ? [figure(lag, runLegend)] : []));
    body.push('<h2>Latency percentile spectrum</h2>');
    for (const key of ['produceAck', 'endToEnd', 'publishDelay', 'commit'] as const) body.push(figure(spectrumChart(series, key), runLegend));
    body.push(latencyTable(series));
    const thresholds = thresholdsTable(series);
    if (thresholds) body.push('<h2>Thresholds</h2>', thresholds);
    const integrity = integrityTable(series);
    const partitions = partitionsChart(series);
    if (integrity || partitions) body.push('<h2>Integrity and partitions</h2>', integrity ?? '', figure(partitions, runLegend));
    const hosts = hostsTable(series);
    if (hosts) body.push('<h2>Hosts</h2>', hosts);
  }
  if (benchInputs.length > 0) {
    body.push('<h2>bench-max</h2>');
    body.push(figure(benchMaxChart(benchInputs), legendHtml(benchInputs, 'bench')));
    for (const input of benchInputs) body.push(benchMaxTables(input.label, input.result));
  }
  if (series.length > 0) body.push('<h2>Workload, settings, versions, hosts</h2>', ...series.map(runDetails));
  body.push('<footer>Latency in ms from HdrHistogram counts recorded in µs; records/s are acknowledged records over the measured window (warmup excluded). Hover a point for its value.</footer>');

  const title = `stampede report: ${inputs.map((input) => basename(input.file)).join(', ')}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${kContentSecurityPolicy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${kStyle}</style></head>
<body>
${body.join('\n')}
</body></html>
`;
}

export function writeReportHtml(path: string, inputs: readonly ReportInput[]): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderReportHtml(inputs));
  return path;
}
