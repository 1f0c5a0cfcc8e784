/**
 * Pass/fail thresholds as k6 writes them (metrics/thresholds_parser.go): `metric op number`, e.g.
 * `p99<50ms`, `e2e.p(99.9)<200ms`, `rate>=400000`, `lost==0`. Operators are tried longest first, so
 * `>=` is never read as `>` followed by `=50`. Parsing lives here with the other options; judging a
 * result against them is src/verdicts/thresholds.ts, printing the verdicts src/report/thresholds.ts.
 */
import { StampedeError, describeValue } from '../errors.js';
import type { LatencyKey } from '../histogram/latency-kinds.js';

const kOperators = ['<=', '>=', '==', '!=', '<', '>'] as const;
export type ThresholdOperator = (typeof kOperators)[number];

/** Latency prefixes users may write; none means produce→ack. */
const kLatencyPrefixes: Record<string, LatencyKey> = { '': 'produceAck', 'produce.': 'produceAck', 'ack.': 'produceAck', 'e2e.': 'endToEnd', 'delay.': 'publishDelay', 'publish.': 'publishDelay', 'commit.': 'commit' };

/** Run-level metrics and their units; where each is read from a result is src/verdicts/thresholds.ts. */
export const RUN_METRIC_UNITS = {
  rate: 'records/s',
  mbps: 'MB/s',
  sent: 'records',
  acked: 'records',
  errors: 'records',
  lost: 'records',
  duplicates: 'records',
  'out-of-order': 'records',
  balance: '%',
} as const;
export type RunMetric = keyof typeof RUN_METRIC_UNITS;

/** What a stage threshold (stage.NAME.…) may judge beyond its latency, and the units. */
export const STAGE_METRIC_UNITS = {
  rate: 'records/s',
  records: 'records',
  lost: 'records',
  duplicates: 'records',
  'out-of-order': 'records',
  foreign: 'records',
  /** the passed share, 0–1; written as a percentage (40%) or a share (0.4) */
  passed: 'share',
  lag: 'records',
} as const;
export type StageMetric = keyof typeof STAGE_METRIC_UNITS;

/** A stage threshold's stat is a latency (µs) unless it names a StageMetric. */
export const isStageLatency = (stat: string): stat is 'percentile' | 'max' | 'mean' => !(stat in STAGE_METRIC_UNITS);

export type ThresholdMetric =
  | { type: 'latency'; kind: LatencyKey; stat: 'percentile'; percentile: number }
  | { type: 'latency'; kind: LatencyKey; stat: 'max' | 'mean' }
  | { type: 'run'; name: RunMetric }
  /** stage.NAME.<latency stat or StageMetric>: `percentile` set for a percentile */
  | { type: 'stage'; stage: string; stat: 'percentile' | 'max' | 'mean' | StageMetric; percentile?: number };

export interface Threshold {
  /** as the user wrote it */
  source: string;
  metric: ThresholdMetric;
  op: ThresholdOperator;
  /** µs for latency; the metric's own unit otherwise */
  limit: number;
}

const kUsage =
  'expected [produce.|e2e.|delay.|stage.NAME.]<p50|p99|p999|p(99.9)|max|mean> <op> <number>[us|ms|s], <rate|mbps|sent|acked|errors|lost|duplicates|out-of-order|balance> <op> <number>, or stage.NAME.<rate|records|lost|duplicates|out-of-order|foreign|passed|lag> <op> <number>, with op one of < <= > >= == !=';

/** "p99" → 99, "p999" → 99.9, "p9999" → 99.99, "p99.9" and "p(99.9)" → 99.9; null when not a percentile. */
export function parsePercentile(text: string): number | null {
  const match = /^p(?:\((\d+(?:\.\d+)?)\)|(\d+(?:\.\d+)?))$/.exec(text);
  if (!match) return null;
  const raw = match[1] ?? match[2]!;
  // k6 and HdrHistogram shorthand: digits after the first two are decimals (p999 = 99.9).
  const value = raw.includes('.') || raw.length <= 2 ? Number(raw) : raw === '100' ? 100 : Number(`${raw.slice(0, 2)}.${raw.slice(2)}`);
  return value > 0 && value <= 100 ? value : null;
}

/**
 * "stage.enriched.p99", "stage.raw.v2.lost": the stage's name is everything between "stage." and
 * the last part that names a metric (a stage named after a topic may hold dots; p99.9 does too).
 */
function parseStageMetric(text: string): ThresholdMetric | null {
  const rest = text.slice('stage.'.length);
  for (let dot = rest.indexOf('.'); dot > 0; dot = rest.indexOf('.', dot + 1)) {
    const stage = rest.slice(0, dot);
    const stat = rest.slice(dot + 1).toLowerCase();
    if (stat in STAGE_METRIC_UNITS || stat === 'max' || stat === 'mean') return { type: 'stage', stage, stat: stat as StageMetric | 'max' | 'mean' };
    const percentile = parsePercentile(stat);
    if (percentile !== null) return { type: 'stage', stage, stat: 'percentile', percentile };
  }
  return null;
}

function parseMetric(text: string): ThresholdMetric | null {
  if (text.toLowerCase().startsWith('stage.')) return parseStageMetric(text);
  if (text in RUN_METRIC_UNITS) return { type: 'run', name: text as RunMetric };
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
  const metric = parseMetric(compact.slice(0, op.at).toLowerCase().startsWith('stage.') ? compact.slice(0, op.at) : compact.slice(0, op.at).toLowerCase());
  if (!metric) return fail(`unknown metric "${compact.slice(0, op.at)}"; ${kUsage}`);
  const value = compact.slice(op.at + op.candidate.length);
  const number = /^(\d+(?:\.\d+)?)(us|µs|ms|s|%)?$/.exec(value.replace(/_/g, ''));
  if (!number) return fail(`"${value}" is not a number${metric.type !== 'run' ? ' with an optional unit (us, ms, s; ms when none)' : ''}`);
  const unit = number[2];
  let limit = Number(number[1]);
  const isLatency = metric.type === 'latency' || (metric.type === 'stage' && isStageLatency(metric.stat));
  if (isLatency) {
    if (unit === '%') return fail('a latency takes us, ms or s');
    limit *= unit === 'us' || unit === 'µs' ? 1 : unit === 's' ? 1_000_000 : 1000; // k6: a bare number is ms
  } else if (metric.type === 'stage') {
    if (metric.stat === 'passed') limit = unit === '%' ? limit / 100 : limit;
    else if (unit !== undefined) fail(`stage ${metric.stat} takes a plain number (${STAGE_METRIC_UNITS[metric.stat as StageMetric]})`);
  } else if (metric.type === 'run' && unit !== undefined && !(unit === '%' && metric.name === 'balance')) {
    fail(`${metric.name} takes a plain number (${RUN_METRIC_UNITS[metric.name]})`);
  }
  return { source, metric, op: op.candidate, limit };
}

/** A YAML list or repeated flags; each entry checked. */
export function parseThresholdList(field: string, raw: unknown): Threshold[] {
  const entries = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return entries.map((entry) => parseThreshold(field, entry));
}
