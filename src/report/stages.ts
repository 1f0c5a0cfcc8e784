import type { RunResult } from '../contracts/result.js';
import type { StageIntervalColumns, StageResult } from '../contracts/stage.js';
import { formatCount, formatLatencyUs, formatRate, renderTable, usToMs } from '../fmt.js';

const dash = '–';
const countOrDash = (value: number | null): string => (value === null ? dash : formatCount(value));

/** The observed stages, one row each in pipeline order: rate, latency from the trace, integrity as the expectation allows, the processor's lag. */
export function renderStages(result: RunResult): string[] {
  const stages = result.stages;
  if (!stages || stages.length === 0) return [];
  const lines = [
    renderTable(
      ['stage', 'expect', 'trace', 'records', 'rec/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'lost', 'dup', 'out of order', 'foreign', 'passed', 'proc lag (last/max)'],
      stages.map(stageRow),
    ),
  ];
  // An aggregate's null needs no word: its outputs are not input records. Older results lack the field.
  for (const stage of stages) if (stage.expect !== 'aggregate' && stage.integrity.foreignUnknownReason) lines.push(`stage ${stage.name}: foreign not counted: ${stage.integrity.foreignUnknownReason}`);
  if (stages.some((stage) => stage.trace === 'timestamp')) lines.push('stage latency traced by the Kafka record timestamp is in whole milliseconds (the timestamp\'s unit); an aggregate\'s is from its newest contributing record');
  return lines;
}

function stageRow(stage: StageResult): string[] {
  const latency = stage.latency;
  const times = latency === null ? [dash, dash, dash, dash] : [latency.p50, latency.p99, latency.p999, latency.max].map(usToMs);
  const { integrity, processorLag } = stage;
  return [
    `stage ${stage.name}`,
    stage.expect,
    stage.trace,
    formatCount(stage.records),
    formatRate(stage.recordsPerSec),
    ...times,
    countOrDash(integrity.lost),
    countOrDash(integrity.duplicates),
    countOrDash(integrity.outOfOrder),
    countOrDash(integrity.foreign),
    integrity.passedShare === null ? dash : `${(integrity.passedShare * 100).toFixed(2)} %`,
    processorLag === null ? dash : `${countOrDash(processorLag.lastRecords)} / ${countOrDash(processorLag.maxRecords)}`,
  ];
}

/** The live line's stage part: "  enriched 4,980 rec/s p99 12.3 ms proc lag 1,204". */
export function stageColumnsText(columns: readonly StageIntervalColumns[] | undefined): string {
  if (!columns) return '';
  return columns
    .map((stage) => `  ${stage.name} ${formatRate(stage.recordsPerSec)} p99 ${stage.p99Us === null ? dash : formatLatencyUs(stage.p99Us)}${stage.processorLagRecords === null ? '' : ` proc lag ${formatCount(stage.processorLagRecords)}`}`)
    .join('');
}
