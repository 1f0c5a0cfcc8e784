/**
 * Pass/fail thresholds as k6 writes them (metrics/thresholds_parser.go): `metric op number`, e.g.
 * `p99<50ms`, `e2e.p(99.9)<200ms`, `rate>=400000`, `lost==0`. Operators are tried longest first, so
 * `>=` is never read as `>` followed by `=50`. A metric the run did not measure fails as "no data"
 * rather than passing silently (k6's flaw).
 */
import { StampedeError, describeValue } from '../errors.js';
import type { RunResult } from '../run/result.js';
import { formatCount, formatLatencyUs } from './fmt.js';
import { decodeHdr, LATENCY_KINDS, type LatencyKey } from './latency-kinds.js';

const kOperators = ['<=', '>=', '==', '!=', '<', '>'] as const;
type Operator = (typeof kOperators)[number];

/** Latency prefixes users may write; none means produce→ack. */
const kLatencyPrefixes: Record<string, LatencyKey> = { '': 'produceAck', 'produce.': 'produceAck', 'ack.': 'produceAck', 'e2e.': 'endToEnd', 'delay.': 'publishDelay', 'publish.': 'publishDelay', 'commit.': 'commit' };

/** Run-level metrics: where each is read from and its unit. */
const kRunMetrics = {
  rate: { unit: 'records/s', read: (r: RunResult) => r.totals.recordsPerSec },
  mbps: { unit: 'MB/s', read: (r: RunResult) => r.totals.mbPerSec },
  sent: { unit: 'records', read: (r: RunResult) => r.totals.sent },
  acked: { unit: 'records', read: (r: RunResult) => r.totals.acked },
  errors: { unit: 'records', read: (r: RunResult) => r.totals.errors },
  lost: { unit: 'records', read: (r: RunResult) => r.integrity?.lost ?? null },
  duplicates: { unit: 'records', read: (r: RunResult) => r.integrity?.duplicates ?? null },
  'out-of-order': { unit: 'records', read: (r: RunResult) => r.integrity?.outOfOrder ?? null },
  balance: { unit: '%', read: (r: RunResult) => r.partitions?.balancePct ?? null },
} as const satisfies Record<string, { unit: string; read(r: RunResult): number | null }>;
type RunMetric = keyof typeof kRunMetrics;

export type ThresholdMetric =
  | { type: 'latency'; kind: LatencyKey; stat: 'percentile'; percentile: number }
  | { type: 'latency'; kind: LatencyKey; stat: 'max' | 'mean' }
  | { type: 'run'; name: RunMetric };

export interface Threshold {
  /** as the user wrote it */
  source: string;
  metric: ThresholdMetric;
  op: Operator;
  /** µs for latency; the metric's own unit otherwise */
  limit: number;
}

export interface ThresholdOutcome {
  threshold: string;
  /** e.g. "produceAck.p99", "rate" */
  metric: string;
  op: Operator;
  limit: number;
  /** null: the run did not measure it (no --e2e, not a fixed rate) */
  observed: number | null;
  unit: string;
  pass: boolean;
}

const kUsage =
  'expected [produce.|e2e.|delay.]<p50|p99|p999|p(99.9)|max|mean> <op> <number>[us|ms|s] or <rate|mbps|sent|acked|errors|lost|duplicates|out-of-order|balance> <op> <number>, with op one of < <= > >= == !=';

/** "p99" → 99, "p999" → 99.9, "p9999" → 99.99, "p99.9" and "p(99.9)" → 99.9; null when not a percentile. */
export function parsePercentile(text: string): number | null {
  const match = /^p(?:\((\d+(?:\.\d+)?)\)|(\d+(?:\.\d+)?))$/.exec(text);
  if (!match) return null;
  const raw = match[1] ?? match[2]!;
  // k6 and HdrHistogram shorthand: digits after the first two are decimals (p999 = 99.9).
  const value = raw.includes('.') || raw.length <= 2 ? Number(raw) : raw === '100' ? 100 : Number(`${raw.slice(0, 2)}.${raw.slice(2)}`);
  return value > 0 && value <= 100 ? value : null;
}

function parseMetric(text: string): ThresholdMetric | null {
  if (text in kRunMetrics) return { type: 'run', name: text as RunMetric };
  const prefix = Object.keys(kLatencyPrefixes).filter((p) => p !== '' && text.startsWith(p))[0] ?? '';
  const kind = kLatencyPrefixes[prefix]!;
  const stat = text.slice(prefix.length);
  if (stat === 'max' || stat === 'mean') return { type: 'latency', kind, stat };
  const percentile = parsePercentile(stat);
  return percentile === null ? null : { type: 'latency', kind, stat: 'percentile', percentile };
}

/** Parses one threshold; a malformed one is a usage error (exit 2) naming it. */
export function parseThreshold(field: string, raw: unknown): Threshold {
  const source = typeof raw === 'string' ? raw.trim() : '';
  const fail = (why: string): never => {
    throw new StampedeError('E_OPTION', `${field} ${describeValue(raw)} is not a threshold: ${why}`);
  };
  if (source === '') fail(kUsage);
  const compact = source.replace(/\s+/g, '');
  const op = kOperators.map((candidate) => ({ candidate, at: compact.indexOf(candidate) })).filter((hit) => hit.at > 0).sort((a, b) => a.at - b.at || b.candidate.length - a.candidate.length)[0];
  if (!op) return fail(kUsage);
  const metric = parseMetric(compact.slice(0, op.at).toLowerCase());
  if (!metric) return fail(`unknown metric "${compact.slice(0, op.at)}"; ${kUsage}`);
  const value = compact.slice(op.at + op.candidate.length);
  const number = /^(\d+(?:\.\d+)?)(us|µs|ms|s|%)?$/.exec(value.replace(/_/g, ''));
  if (!number) return fail(`"${value}" is not a number${metric.type === 'latency' ? ' with an optional unit (us, ms, s; ms when none)' : ''}`);
  const unit = number[2];
  let limit = Number(number[1]);
  if (metric.type === 'latency') {
    if (unit === '%') return fail('a latency takes us, ms or s');
    limit *= unit === 'us' || unit === 'µs' ? 1 : unit === 's' ? 1_000_000 : 1000; // k6: a bare number is ms
  } else if (unit !== undefined && !(unit === '%' && metric.name === 'balance')) {
    fail(`${metric.name} takes a plain number (${kRunMetrics[metric.name].unit})`);
  }
  return { source, metric, op: op.candidate, limit };
}

/** A YAML list or repeated flags; each entry checked. */
export function parseThresholdList(field: string, raw: unknown): Threshold[] {
  const entries = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return entries.map((entry) => parseThreshold(field, entry));
}

function metricName(metric: ThresholdMetric): string {
  if (metric.type === 'run') return metric.name;
  if (metric.stat === 'percentile') return `${metric.kind}.p${metric.percentile}`;
  return `${metric.kind}.${metric.stat}`;
}

function observe(run: RunResult, metric: ThresholdMetric): number | null {
  if (metric.type === 'run') return kRunMetrics[metric.name].read(run);
  const latency = run.latency[metric.kind];
  if (!latency || latency.count === 0) return null;
  if (metric.stat === 'percentile') return decodeHdr(latency.hdr).getValueAtPercentile(metric.percentile);
  return metric.stat === 'max' ? latency.max : latency.mean;
}

const compare = (observed: number, op: Operator, limit: number): boolean =>
  op === '<' ? observed < limit : op === '<=' ? observed <= limit : op === '>' ? observed > limit : op === '>=' ? observed >= limit : op === '==' ? observed === limit : observed !== limit;

export function evaluateThresholds(run: RunResult, thresholds: readonly Threshold[]): ThresholdOutcome[] {
  return thresholds.map((threshold) => {
    const observed = observe(run, threshold.metric);
    return {
      threshold: threshold.source,
      metric: metricName(threshold.metric),
      op: threshold.op,
      limit: threshold.limit,
      observed,
      unit: threshold.metric.type === 'latency' ? 'us' : kRunMetrics[threshold.metric.name].unit,
      pass: observed !== null && compare(observed, threshold.op, threshold.limit),
    };
  });
}

/** How a metric reads to a person: "produce→ack p99", "e2e max", "rate". */
function readableMetric(outcome: ThresholdOutcome): string {
  const dot = outcome.metric.indexOf('.');
  const kind = outcome.metric.slice(0, dot);
  const stat = outcome.metric.slice(dot + 1);
  const title = LATENCY_KINDS.find((k) => k.key === kind)?.title;
  return title === undefined ? outcome.metric : `${title} ${stat}`;
}

export function formatObserved(outcome: ThresholdOutcome): string {
  if (outcome.observed === null) return 'no data';
  if (outcome.unit === 'us') return formatLatencyUs(outcome.observed);
  if (outcome.unit === '%') return `${outcome.observed} %`;
  return `${formatCount(outcome.observed)} ${outcome.unit}`;
}

/** One line per threshold: "✓ p99<50ms   produce→ack p99 = 12.3 ms". */
export function renderThresholds(outcomes: readonly ThresholdOutcome[]): string {
  const width = Math.max(...outcomes.map((o) => o.threshold.length));
  const lines = outcomes.map((o) => `${o.pass ? '✓' : '✗'} ${o.threshold.padEnd(width)}  ${readableMetric(o)} = ${formatObserved(o)}${o.observed === null ? ' (the run did not measure it)' : ''}`);
  const failed = outcomes.filter((o) => !o.pass).length;
  return ['thresholds', ...lines, failed === 0 ? `all ${outcomes.length} passed` : `${failed} of ${outcomes.length} failed`].join('\n');
}
