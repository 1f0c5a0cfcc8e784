import type { RunResult } from '../contracts/result.js';
import { decodeHdr } from '../histogram/latency-kinds.js';
import { STAGE_METRIC_UNITS, isStageLatency, type StageMetric, type ThresholdMetric } from '../options/thresholds.js';

type StageThresholdMetric = Extract<ThresholdMetric, { type: 'stage' }>;

/** "stage.enriched.p99", "stage.alerts.lost". */
export function stageMetricName(metric: StageThresholdMetric): string {
  return `stage.${metric.stage}.${metric.stat === 'percentile' ? `p${metric.percentile}` : metric.stat}`;
}

export function stageMetricUnit(metric: StageThresholdMetric): string {
  return isStageLatency(metric.stat) ? 'us' : STAGE_METRIC_UNITS[metric.stat as StageMetric];
}

/** The stage's value for a threshold; null (no data: the threshold fails) when the stage was not observed or does not measure it. */
export function observeStage(run: RunResult, metric: StageThresholdMetric): number | null {
  const stage = run.stages?.find((candidate) => candidate.name === metric.stage);
  if (stage === undefined) return null;
  switch (metric.stat) {
    case 'percentile':
      return stage.latency === null ? null : decodeHdr(stage.latency.hdr).getValueAtPercentile(metric.percentile!);
    case 'max':
    case 'mean':
      return stage.latency === null ? null : stage.latency[metric.stat];
    case 'rate':
      return stage.recordsPerSec;
    case 'records':
      return stage.records;
    case 'lost':
      return stage.integrity.lost;
    case 'duplicates':
      return stage.integrity.duplicates;
    case 'out-of-order':
      return stage.integrity.outOfOrder;
    case 'foreign':
      return stage.integrity.foreign;
    case 'passed':
      return stage.integrity.passedShare;
    case 'lag':
      return stage.processorLag?.maxRecords ?? null;
  }
}
