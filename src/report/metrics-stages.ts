/**
 * --observe in /metrics, every series labelled by stage: from the latest interval, the stage's
 * rate, p99 and its processor's lag; from its cumulative reads, records read and a latency
 * histogram (so histogram_quantile works) with the run-so-far percentiles beside it; and once the
 * run is done, the integrity counts, which are only known after every stage has drained.
 */
import type { IntervalRow } from '../contracts/result.js';
import type { StageResult } from '../contracts/stage.js';
import { decodeHdrCounts } from '../histogram/hdr-decode.js';
import { emptyCounters, summarize, toHdrHistogram } from '../histogram/merge.js';
import { kCountsLength } from '../shared/layout.js';
import type { CumulativeSnapshots } from '../run/sample.js';
import { histogramLines, labelValue, metricBlock, sample } from './metrics-text.js';

type Columns = NonNullable<IntervalRow['stages']>[number];
type Reads = NonNullable<CumulativeSnapshots['stages']>;

const stageLabel = (name: string): string => `stage="${labelValue(name)}"`;
const kQuantiles = [['0.5', 'p50'], ['0.95', 'p95'], ['0.99', 'p99'], ['0.999', 'p999']] as const;

/** One gauge per stage that has the figure; a stage without it (an aggregate's lost) has no sample. */
function perStage<T extends { name: string }>(name: string, type: 'counter' | 'gauge', help: string, items: readonly T[], value: (item: T) => number | null): string[] {
  const lines = items.flatMap((item) => {
    const observed = value(item);
    return observed === null ? [] : [sample(name, observed, stageLabel(item.name))];
  });
  return lines.length === 0 ? [] : metricBlock(name, type, help, lines);
}

function intervalLines(columns: readonly Columns[]): string[] {
  return [
    ...perStage('stampede_stage_records_per_second', 'gauge', 'Records read from an observed stage\'s topic per second in the latest interval.', columns, (stage) => stage.recordsPerSec),
    ...perStage('stampede_stage_latency_p99_seconds', 'gauge', 'p99 send → stage read latency of the records read in the latest interval.', columns, (stage) => (stage.p99Us === null ? null : stage.p99Us / 1e6)),
    ...perStage('stampede_stage_processor_lag_records', 'gauge', 'The processor group\'s lag on the stage\'s input: log-end − committed offsets (--processor-group).', columns, (stage) => stage.processorLagRecords),
  ];
}

function cumulativeLines(reads: Reads): string[] {
  const quantiles = reads.flatMap(({ name, read }) => {
    const summary = summarize(toHdrHistogram(read.counts));
    if (summary.count === 0) return [];
    return kQuantiles.map(([quantile, field]) => sample('stampede_stage_latency_quantile_seconds', summary[field] / 1e6, `${stageLabel(name)},quantile="${quantile}"`));
  });
  return [
    ...perStage('stampede_stage_records_total', 'counter', 'Records read from an observed stage\'s topic, whole run.', reads, ({ read }) => read.counters.acked),
    ...metricBlock('stampede_stage_latency_seconds', 'histogram', 'Send (the stage\'s trace) → stage read latency, whole run.', reads.flatMap(({ name, read }) => histogramLines('stampede_stage_latency_seconds', read.counts, stageLabel(name)))),
    ...(quantiles.length === 0 ? [] : metricBlock('stampede_stage_latency_quantile_seconds', 'gauge', 'Send → stage read latency percentiles over the run so far (from the HDR counts, exact to 3 digits).', quantiles)),
  ];
}

/**
 * A finished run's stages as cumulative reads: each stage reads on after the last interval until it
 * has drained, so the result, not the last interval, holds its whole count and latency.
 */
function finalReads(stages: readonly StageResult[]): Reads {
  return stages.map((stage) => ({ name: stage.name, read: { counts: stage.latency ? decodeHdrCounts(stage.latency.hdr) : new Float64Array(kCountsLength), counters: { ...emptyCounters(), acked: stage.records } } }));
}

function finalLines(stages: readonly StageResult[]): string[] {
  const when = 'set once the run is done (stampede_run_done 1)';
  return [
    ...perStage('stampede_stage_lost_records', 'gauge', `Passthrough stages: acked input records never read from the stage; ${when}.`, stages, (stage) => stage.integrity.lost),
    ...perStage('stampede_stage_duplicate_records', 'gauge', `Records of this run read more than once from the stage; ${when}.`, stages, (stage) => stage.integrity.duplicates),
    ...perStage('stampede_stage_out_of_order_records', 'gauge', `Records read before an earlier one of the same device; ${when}.`, stages, (stage) => stage.integrity.outOfOrder),
    ...perStage('stampede_stage_foreign_records', 'gauge', `Records read from the stage that are not of this run; ${when}.`, stages, (stage) => stage.integrity.foreign),
    ...perStage('stampede_stage_passed_share', 'gauge', `Distinct input records read from the stage / input records acked; ${when}.`, stages, (stage) => stage.integrity.passedShare),
    ...perStage('stampede_stage_processor_lag_max_records', 'gauge', `The processor group's highest lag on the stage's input; ${when}.`, stages, (stage) => stage.processorLag?.maxRecords ?? null),
  ];
}

export function stageMetricLines(columns: readonly Columns[] | undefined, reads: Reads | undefined, final: readonly StageResult[] | undefined): string[] {
  const whole = final && final.length > 0 ? finalReads(final) : reads;
  return [...(columns ? intervalLines(columns) : []), ...(whole && whole.length > 0 ? cumulativeLines(whole) : []), ...(final ? finalLines(final) : [])];
}
