/**
 * The observed stages of two runs, matched by name: each stage's rate, latency percentiles, integrity
 * counts and processor lag become diff rows of their own ("stage enriched p99"), so a processor that
 * got slower, lost records or fell behind fails the diff as a slower producer does.
 */
import type { StageResult } from '../contracts/stage.js';

export interface StageDiffRow {
  metric: string;
  unit: 'records/s' | 'us' | 'records' | 'share';
  better: 'higher' | 'lower';
  value: number | null;
}

const kStagePercentiles = [
  ['p50', 'p50'],
  ['p95', 'p95'],
  ['p99', 'p99'],
  ['p99.9', 'p999'],
  ['max', 'max'],
] as const;

/** One stage's rows; a field the stage's expectation leaves null (an aggregate's lost) stays null and drops out when null on both sides. */
export function stageDiffRows(stage: StageResult): StageDiffRow[] {
  const prefix = `stage ${stage.name}`;
  const { latency, integrity } = stage;
  return [
    { metric: `${prefix} records/s`, unit: 'records/s', better: 'higher', value: stage.recordsPerSec },
    ...kStagePercentiles.map(([label, field]): StageDiffRow => ({ metric: `${prefix} ${label}`, unit: 'us', better: 'lower', value: latency && latency.count > 0 ? latency[field] : null })),
    { metric: `${prefix} lost`, unit: 'records', better: 'lower', value: integrity.lost },
    { metric: `${prefix} duplicates`, unit: 'records', better: 'lower', value: integrity.duplicates },
    { metric: `${prefix} out of order`, unit: 'records', better: 'lower', value: integrity.outOfOrder },
    { metric: `${prefix} foreign`, unit: 'records', better: 'lower', value: integrity.foreign },
    // A filter that lets fewer of the same records through is doing something else than it did.
    { metric: `${prefix} passed share`, unit: 'share', better: 'higher', value: integrity.passedShare },
    { metric: `${prefix} processor lag max`, unit: 'records', better: 'lower', value: stage.processorLag?.maxRecords ?? null },
  ];
}
