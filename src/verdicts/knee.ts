import type { KneeResult, LevelResult } from '../contracts/levels.js';
import type { ThresholdOutcome } from '../contracts/verdicts.js';
import { formatRate } from '../fmt.js';
import { decodeHdr } from '../histogram/latency-kinds.js';
import { RUN_METRIC_UNITS, type Threshold } from '../options/thresholds.js';
import { compare, formatObserved } from './thresholds.js';

/** A threshold on the run's latencies or its rate: what a level can be judged on alone. */
type LevelThreshold = Threshold & { metric: Exclude<Threshold['metric'], { type: 'stage' }> };

/**
 * The thresholds a level can be judged on alone: latency percentiles and stats, and its rate.
 * Observed stages keep no per-level histograms, so stage.* thresholds judge the whole run only.
 */
const judgedPerLevel = (threshold: Threshold): threshold is LevelThreshold =>
  threshold.metric.type === 'latency' ? threshold.metric.kind !== 'commit' : threshold.metric.type === 'run' && threshold.metric.name === 'rate';

function observe(level: LevelResult, threshold: LevelThreshold): number | null {
  const metric = threshold.metric;
  if (metric.type === 'run') return level.achievedRecordsPerSec;
  const latency = metric.kind === 'commit' ? null : level.latency[metric.kind];
  if (!latency || latency.count === 0) return null;
  if (metric.stat === 'percentile') return decodeHdr(latency.hdr).getValueAtPercentile(metric.percentile);
  return metric.stat === 'max' ? latency.max : latency.mean;
}

/** One level's verdict on each threshold it can be judged on (a metric it did not measure fails as "no data"). */
export function levelThresholds(level: LevelResult, thresholds: readonly Threshold[]): ThresholdOutcome[] {
  return thresholds.filter(judgedPerLevel).map((threshold) => {
    const observed = observe(level, threshold);
    const metric = threshold.metric;
    return {
      threshold: threshold.source,
      metric: metric.type === 'run' ? metric.name : metric.stat === 'percentile' ? `${metric.kind}.p${metric.percentile}` : `${metric.kind}.${metric.stat}`,
      op: threshold.op,
      limit: threshold.limit,
      observed,
      unit: metric.type === 'latency' ? 'us' : RUN_METRIC_UNITS[metric.name],
      pass: observed !== null && compare(observed, threshold.op, threshold.limit),
    };
  });
}

/** Why a level failed: its broken thresholds with what was seen, and its validity's reason. */
function failureOf(level: LevelResult): string | null {
  const broken = (level.thresholds ?? []).filter((outcome) => !outcome.pass).map((outcome) => `${outcome.threshold} (observed ${formatObserved(outcome)})`);
  const reasons = [...(broken.length > 0 ? [`broke ${broken.join(', ')}`] : []), ...(level.validity.valid ? [] : [`not valid: ${level.validity.reason}`])];
  return reasons.length === 0 ? null : reasons.join('; ');
}

/**
 * The knee of a stepped run: walking the levels in order, the highest that met every threshold (and
 * was valid at its rate) before the first that did not. Levels are judged on their own histograms.
 */
export function judgeKnee(levels: readonly LevelResult[]): KneeResult {
  let highestPassed: number | null = null;
  for (const level of levels) {
    const failure = failureOf(level);
    if (failure !== null) return { highestPassedRecordsPerSec: highestPassed, firstFailedRecordsPerSec: level.targetRecordsPerSec, reason: `at ${formatRate(level.targetRecordsPerSec)}: ${failure}` };
    highestPassed = Math.max(highestPassed ?? 0, level.targetRecordsPerSec);
  }
  return { highestPassedRecordsPerSec: highestPassed, firstFailedRecordsPerSec: null, reason: null };
}
