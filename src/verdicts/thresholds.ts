/**
 * Judging a result against the user's thresholds. A metric the run did not measure fails as
 * "no data" rather than passing silently (k6's flaw).
 */
import type { RunResult } from '../contracts/result.js';
import type { ThresholdOutcome } from '../contracts/verdicts.js';
import { formatCount, formatLatencyUs } from '../fmt.js';
import { decodeHdr } from '../histogram/latency-kinds.js';
import { observeStage, stageMetricName, stageMetricUnit } from './stage-thresholds.js';
import { RUN_METRIC_UNITS, type RunMetric, type Threshold, type ThresholdMetric, type ThresholdOperator } from '../options/thresholds.js';

/** Where each run-level metric is read from a result. */
const kRunMetricReaders = {
  rate: (r) => r.totals.recordsPerSec,
  mbps: (r) => r.totals.mbPerSec,
  sent: (r) => r.totals.sent,
  acked: (r) => r.totals.acked,
  errors: (r) => r.totals.errors,
  lost: (r) => r.integrity?.lost ?? null,
  duplicates: (r) => r.integrity?.duplicates ?? null,
  'out-of-order': (r) => r.integrity?.outOfOrder ?? null,
  balance: (r) => r.partitions?.balancePct ?? null,
} as const satisfies Record<RunMetric, (r: RunResult) => number | null>;

function metricName(metric: ThresholdMetric): string {
  if (metric.type === 'run') return metric.name;
  if (metric.type === 'stage') return stageMetricName(metric);
  if (metric.stat === 'percentile') return `${metric.kind}.p${metric.percentile}`;
  return `${metric.kind}.${metric.stat}`;
}

function observe(run: RunResult, metric: ThresholdMetric): number | null {
  if (metric.type === 'run') return kRunMetricReaders[metric.name](run);
  if (metric.type === 'stage') return observeStage(run, metric);
  const latency = run.latency[metric.kind];
  if (!latency || latency.count === 0) return null;
  if (metric.stat === 'percentile') return decodeHdr(latency.hdr).getValueAtPercentile(metric.percentile);
  return metric.stat === 'max' ? latency.max : latency.mean;
}

export const compare = (observed: number, op: ThresholdOperator, limit: number): boolean =>
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
      unit: threshold.metric.type === 'latency' ? 'us' : threshold.metric.type === 'stage' ? stageMetricUnit(threshold.metric) : RUN_METRIC_UNITS[threshold.metric.name],
      pass: observed !== null && compare(observed, threshold.op, threshold.limit),
    };
  });
}

/** The observed value with its unit, as a reason or a report words it. */
export function formatObserved(outcome: ThresholdOutcome): string {
  if (outcome.observed === null) return 'no data';
  if (outcome.unit === 'us') return formatLatencyUs(outcome.observed);
  if (outcome.unit === '%') return `${outcome.observed} %`;
  if (outcome.unit === 'share') return `${(outcome.observed * 100).toFixed(2)} %`;
  return `${formatCount(outcome.observed)} ${outcome.unit}`;
}
