/**
 * Two results side by side: throughput and every percentile, the change in %, and a verdict per
 * metric against a regression threshold (the Chronik suite gates CI on 10 %). Works on run (and
 * merged), compare and bench-max results; both sides must be the same kind.
 */
import { StampedeError } from '../errors.js';
import type { RunResult } from '../contracts/result.js';
import { formatCount, renderTable, usToMs } from '../fmt.js';
import type { BenchMaxResult, ReportInput } from './inputs.js';
import { LATENCY_KINDS } from '../histogram/latency-kinds.js';
import { stageDiffRows } from './diff-stages.js';

export interface DiffMetric {
  metric: string;
  /** records: a count (lost, duplicates, processor lag); share: a fraction 0..1 */
  unit: 'records/s' | 'MB/s' | 'us' | 'records' | 'share';
  better: 'higher' | 'lower';
  baseline: number | null;
  current: number | null;
  /** (current − baseline) / baseline × 100; null when either side is missing or the baseline is 0 (a move from 0 the wrong way fails all the same) */
  changePct: number | null;
  /** false: worse than the threshold allows */
  pass: boolean;
}

export interface DiffResult {
  schemaVersion: 1;
  kind: 'diff';
  baseline: string;
  current: string;
  failAbovePct: number;
  metrics: DiffMetric[];
  regressions: number;
}

/** Latency changes smaller than this pass whatever their share: the histogram's resolution near 1 ms is ~1 µs. */
export const kLatencyNoiseFloorUs = 10;

type Extracted = { metric: string; unit: DiffMetric['unit']; better: DiffMetric['better']; value: number | null }[];

const kStats = [
  ['p50', 'p50'],
  ['p95', 'p95'],
  ['p99', 'p99'],
  ['p99.9', 'p999'],
  ['max', 'max'],
  ['mean', 'mean'],
] as const;

function runMetrics(run: RunResult, prefix = ''): Extracted {
  const rows: Extracted = [
    { metric: `${prefix}records/s`, unit: 'records/s', better: 'higher', value: run.totals.recordsPerSec },
    { metric: `${prefix}MB/s`, unit: 'MB/s', better: 'higher', value: run.totals.mbPerSec },
  ];
  for (const kind of LATENCY_KINDS) {
    const latency = run.latency[kind.key];
    for (const [label, field] of kStats) {
      rows.push({ metric: `${prefix}${kind.title} ${label}`, unit: 'us', better: 'lower', value: latency && latency.count > 0 ? latency[field] : null });
    }
  }
  for (const stage of run.stages ?? []) rows.push(...stageDiffRows(stage).map((row) => ({ ...row, metric: `${prefix}${row.metric}` })));
  return rows;
}

function benchMaxMetrics(result: BenchMaxResult): Extracted {
  return result.peers.flatMap((row) => {
    const failed = row.error !== undefined;
    return [
      { metric: `${row.tool} records/s`, unit: 'records/s', better: 'higher', value: failed ? null : row.recordsPerSec },
      { metric: `${row.tool} p50`, unit: 'us', better: 'lower', value: failed || row.p50Ms === null ? null : row.p50Ms * 1000 },
      { metric: `${row.tool} p99`, unit: 'us', better: 'lower', value: failed || row.p99Ms === null ? null : row.p99Ms * 1000 },
    ] satisfies Extracted;
  });
}

function metricsOf(input: ReportInput): Extracted {
  if (input.kind === 'run') return runMetrics(input.result);
  if (input.kind === 'bench-max') return benchMaxMetrics(input.result);
  const { micro, broker, endToEnd } = input.result.modes;
  return [...runMetrics(micro, 'micro · '), ...runMetrics(broker, 'broker · '), ...runMetrics(endToEnd, 'end to end · ')];
}

/** Metrics absent from both sides (a run without --e2e has no e2e percentiles) are left out. */
export function diffResults(baseline: ReportInput, current: ReportInput, failAbovePct: number): DiffResult {
  if (baseline.kind !== current.kind) {
    throw new StampedeError('E_OPTION', `cannot diff a ${baseline.kind} result (${baseline.file}) with a ${current.kind} result (${current.file})`);
  }
  const before = metricsOf(baseline);
  const after = new Map(metricsOf(current).map((row) => [row.metric, row]));
  const names = [...before.map((row) => row.metric), ...[...after.keys()].filter((name) => !before.some((row) => row.metric === name))];
  const metrics: DiffMetric[] = [];
  for (const name of names) {
    const base = before.find((row) => row.metric === name);
    const now = after.get(name);
    const template = base ?? now!;
    const b = base?.value ?? null;
    const c = now?.value ?? null;
    if (b === null && c === null) continue;
    const changePct = b === null || c === null || b === 0 ? null : ((c - b) / b) * 100;
    // From zero there is no percentage, but a move the wrong way is still a change, and unbounded:
    // a p50 under the histogram's resolution (<0.001 ms) that becomes 0.588 ms is a regression.
    const worseFromZero = b === 0 && c !== null && (template.better === 'higher' ? c < 0 : c > 0);
    const worsePct = worseFromZero ? Infinity : changePct === null ? 0 : template.better === 'higher' ? -changePct : changePct;
    // 1 µs → 2 µs is +100 % but no news: latency moves under the floor never fail.
    const belowFloor = template.unit === 'us' && b !== null && c !== null && Math.abs(c - b) < kLatencyNoiseFloorUs;
    metrics.push({ metric: name, unit: template.unit, better: template.better, baseline: b, current: c, changePct: changePct === null ? null : Math.round(changePct * 10) / 10, pass: belowFloor || worsePct <= failAbovePct });
  }
  return { schemaVersion: 1, kind: 'diff', baseline: baseline.file, current: current.file, failAbovePct, metrics, regressions: metrics.filter((m) => !m.pass).length };
}

const formatValue = (value: number | null, unit: DiffMetric['unit']): string =>
  value === null ? '—' : unit === 'us' ? usToMs(value) : unit === 'MB/s' ? value.toFixed(2) : unit === 'share' ? `${(value * 100).toFixed(2)} %` : formatCount(value);

export function renderDiff(diff: DiffResult): string {
  const table = renderTable(
    ['metric', 'baseline', 'current', 'change', ''],
    diff.metrics.map((m) => [
      m.unit === 'us' ? `${m.metric} (ms)` : m.metric,
      formatValue(m.baseline, m.unit),
      formatValue(m.current, m.unit),
      m.changePct !== null ? `${m.changePct > 0 ? '+' : ''}${m.changePct.toFixed(1)} %` : m.baseline === 0 && m.current !== null && m.current !== 0 ? 'from 0' : '—',
      m.pass ? '✓' : '✗',
    ]),
  );
  const verdict =
    diff.regressions === 0
      ? `no regression beyond ${diff.failAbovePct} % (records/s: higher is better; latency: lower is better)`
      : `✗ ${diff.regressions} metric(s) regressed beyond ${diff.failAbovePct} %: ${diff.metrics.filter((m) => !m.pass).map((m) => m.metric).join(', ')}`;
  return [`baseline ${diff.baseline}`, `current  ${diff.current}`, '', table, '', verdict].join('\n');
}

/** "10%", "10 %" or "10" → 10. */
export function parseFailAbove(raw: unknown): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(String(raw));
  if (!match) throw new StampedeError('E_OPTION', `--fail-above must be a percentage such as 10% (got ${JSON.stringify(String(raw))})`);
  return Number(match[1]);
}
