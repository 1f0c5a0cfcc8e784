import { redactSettings } from '../../connection/redact.js';
import { formatBytes, formatCount, formatDurationMs, usToMs } from '../../fmt.js';
import type { BenchMaxResult, RunSeries } from '../inputs.js';
import { formatObserved } from '../../verdicts/thresholds.js';
import { escapeHtml } from './escape.js';

/** A table with a header row; cells are text (escaped here). Numeric columns align right. */
export function htmlTable(header: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[], className = ''): string {
  const cell = (value: string | number | null | undefined, tag: 'td' | 'th'): string => {
    const text = value === null || value === undefined ? '—' : String(value);
    const numeric = typeof value === 'number' || /^[-+]?[\d,.]+( ?(%|ms|µs|s|rec\/s|MB\/s))?$/.test(text);
    return `<${tag}${numeric && tag === 'td' ? ' class="num"' : ''}>${escapeHtml(text)}</${tag}>`;
  };
  return `<table${className ? ` class="${className}"` : ''}><thead><tr>${header.map((h) => cell(h, 'th')).join('')}</tr></thead><tbody>${rows.map((row) => `<tr>${row.map((v) => cell(v, 'td')).join('')}</tr>`).join('')}</tbody></table>`;
}

const ms = (us: number | undefined | null): string | null => (us === undefined || us === null ? null : usToMs(us));

export function summaryTable(series: readonly RunSeries[]): string {
  return htmlTable(
    ['run', 'status', 'records/s', 'MB/s', 'window', 'sent', 'acked', 'errors', 'p50 (ms)', 'p99 (ms)', 'p99.9 (ms)', 'max (ms)', 'e2e p99 (ms)', 'publish delay p99 (ms)'],
    series.map(({ label, run }) => {
      const ack = run.latency.produceAck;
      return [
        label,
        run.validity.valid ? run.status : `${run.status}: ${run.validity.reason ?? ''}`,
        formatCount(run.totals.recordsPerSec),
        run.totals.mbPerSec.toFixed(2),
        formatDurationMs(run.totals.durationMs),
        formatCount(run.totals.sent),
        formatCount(run.totals.acked),
        formatCount(run.totals.errors),
        ms(ack.p50),
        ms(ack.p99),
        ms(ack.p999),
        ms(ack.max),
        ms(run.latency.endToEnd?.p99),
        ms(run.latency.publishDelay?.p99),
      ];
    }),
  );
}

/** Every latency kind's percentiles, one row per run and kind. */
export function latencyTable(series: readonly RunSeries[]): string {
  const rows: (string | null)[][] = [];
  for (const { label, run } of series) {
    for (const [title, latency] of [['produce→ack', run.latency.produceAck], ['end to end', run.latency.endToEnd], ['publish delay', run.latency.publishDelay], ['transaction commit', run.latency.commit ?? null]] as const) {
      if (!latency) continue;
      rows.push([label, title, formatCount(latency.count), ms(latency.p50), ms(latency.p95), ms(latency.p99), ms(latency.p999), ms(latency.max), ms(latency.mean)]);
    }
  }
  return htmlTable(['run', 'latency', 'count', 'p50 (ms)', 'p95 (ms)', 'p99 (ms)', 'p99.9 (ms)', 'max (ms)', 'mean (ms)'], rows);
}

export function integrityTable(series: readonly RunSeries[]): string | null {
  const rows = series.filter((s) => s.run.integrity !== null);
  if (rows.length === 0) return null;
  return htmlTable(
    ['run', 'verdict', 'consumed', 'unique', 'lost', 'duplicates', 'out of order', 'devices with gaps', 'partition balance'],
    rows.map(({ label, run }) => {
      const integrity = run.integrity!;
      const clean = integrity.lost === 0 && integrity.duplicates === 0;
      return [label, clean ? '✓ every record exactly once' : '✗ records lost or duplicated', formatCount(integrity.consumed), formatCount(integrity.uniqueRecords), formatCount(integrity.lost), formatCount(integrity.duplicates), formatCount(integrity.outOfOrder), formatCount(integrity.devicesWithGaps), run.partitions ? `${run.partitions.balancePct} %` : null];
    }),
  );
}

export function thresholdsTable(series: readonly RunSeries[]): string | null {
  const rows = series.flatMap(({ label, run }) => (run.thresholds ?? []).map((o) => [label, o.pass ? '✓' : '✗', o.threshold, formatObserved(o)]));
  return rows.length === 0 ? null : htmlTable(['run', '', 'threshold', 'observed'], rows);
}

type Scalar = string | number | boolean | null;

/** One level of nesting flattened to dotted keys, scalars only: enough for per-host rows of any shape. */
function flatten(value: Record<string, unknown>, prefix = '', depth = 0): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === null || ['string', 'number', 'boolean'].includes(typeof item)) out[`${prefix}${key}`] = item as Scalar;
    else if (depth === 0 && typeof item === 'object' && !Array.isArray(item)) Object.assign(out, flatten(item as Record<string, unknown>, `${prefix}${key}.`, 1));
  }
  return out;
}

/** Multi-host runs carry `hosts[]` (one entry per agent); shown with whatever scalar fields they hold. */
export function hostsTable(series: readonly RunSeries[]): string | null {
  const rows = series.flatMap(({ label, run }) => {
    const hosts = (run as unknown as { hosts?: unknown }).hosts;
    return Array.isArray(hosts) ? hosts.filter((h): h is Record<string, unknown> => h !== null && typeof h === 'object').map((h) => ({ label, fields: flatten(h) })) : [];
  });
  if (rows.length === 0) return null;
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row.fields)))].slice(0, 16);
  return htmlTable(['run', ...columns], rows.map((row) => [row.label, ...columns.map((c) => (row.fields[c] === undefined ? null : typeof row.fields[c] === 'number' ? formatCount(row.fields[c] as number) : String(row.fields[c])))]));
}

const keyValues = (entries: readonly [string, unknown][]): string =>
  htmlTable(['key', 'value'], entries.map(([k, v]) => [k, v === undefined ? null : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)]), 'kv');

/** Workload, librdkafka settings (secrets redacted), versions and host facts of one run. */
export function runDetails({ label, run }: RunSeries): string {
  const versions: [string, unknown][] = [
    ['stampede', run.tool.version],
    ['runtime', `${run.runtime.name} ${run.runtime.version}`],
    ['librdkafka', run.librdkafkaVersion],
    ['started', run.startedAt],
    ['finished', run.finishedAt],
    ['topic', run.topic ? `${run.topic.name} (${run.topic.partitions} partitions${run.topic.created ? ', created' : ''})` : null],
    ['plan', `${run.plan.length} producer shard(s)`],
  ];
  const host: [string, unknown][] = [
    ['hostname', run.host.hostname],
    ['cpus', `${run.host.cpus} × ${run.host.cpuModel}`],
    ['memory', formatBytes(run.host.memoryBytes)],
    ['os', `${run.host.platform} ${run.host.release} ${run.host.arch}`],
  ];
  const workload = Object.entries(run.workload).filter(([key]) => key !== 'commandProperties' && key !== 'producerProps');
  const lists = [
    ...run.notices.map((n) => `note: ${n}`),
    ...run.failures.map((f) => `error (worker ${f.worker}, ${f.code}): ${f.message}`),
  ];
  return [
    `<details class="run-details"><summary>${escapeHtml(label)}: workload, settings, versions, host</summary>`,
    '<div class="grid">',
    `<section><h4>Versions</h4>${keyValues(versions)}<h4>Host</h4>${keyValues(host)}</section>`,
    `<section><h4>librdkafka settings (secrets redacted)</h4>${keyValues(Object.entries(redactSettings(run.librdkafka)))}</section>`,
    `<section><h4>Workload</h4>${keyValues(workload)}${Object.keys(run.workload.producerProps ?? {}).length ? `<h4>Producer properties</h4>${keyValues(Object.entries(redactSettings(run.workload.producerProps)))}` : ''}</section>`,
    '</div>',
    lists.length ? `<ul class="notes">${lists.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>` : '',
    '</details>',
  ].join('');
}

export function benchMaxTables(label: string, result: BenchMaxResult): string {
  const ms = (v: number | null): string | null => (v === null ? null : v.toFixed(2));
  const rows = (list: BenchMaxResult['peers'], name: (row: BenchMaxResult['peers'][number]) => string): (string | null)[][] =>
    list.map((row) => [row.error ? `${name(row)} (failed: ${row.error})` : name(row), formatCount(row.recordsPerSec), row.mbPerSec.toFixed(1), ms(row.p50Ms), ms(row.p99Ms)]);
  return [
    `<h3>${escapeHtml(label)}: peers (median of ${result.rounds} rounds)</h3>`,
    htmlTable(['tool', 'records/s', 'MB/s', 'p50 (ms)', 'p99 (ms)'], rows(result.peers, (row) => row.tool)),
    `<h3>${escapeHtml(label)}: sweep</h3>`,
    htmlTable(['sweep point', 'records/s', 'MB/s', 'p50 (ms)', 'p99 (ms)'], rows(result.sweep, (row) => row.label ?? row.tool)),
    `<details class="run-details"><summary>${escapeHtml(label)}: settings and host</summary>`,
    keyValues([
      ['bootstrap', result.bootstrap],
      ['record size', `${result.recordSizeBytes} B`],
      ['partitions', result.partitions],
      ['runtime', `${result.runtime.name} ${result.runtime.version}`],
      ['host', `${result.host.hostname}: ${result.host.cpus} × ${result.host.cpuModel}, ${formatBytes(result.host.memoryBytes)}`],
      ['latency tracking cost', result.latencyTracking?.costPct === null || result.latencyTracking === undefined ? null : `${result.latencyTracking.costPct} %`],
    ]),
    keyValues(Object.entries(redactSettings(result.librdkafka))),
    '</details>',
  ].join('');
}
