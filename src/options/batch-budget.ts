import { kRecordHeaderBytes } from '../records/batch.js';
import { formatBytes } from '../fmt.js';
import { type Workload } from './workload-shape.js';

/**
 * What one worker's batch buffer may take. A batch is built whole before it crosses into the
 * client, so record size × --batch is memory held per worker: `--format fixed --record-size
 * 10000000` with the default --batch 1000 asked for ~10 GB a worker. The IoT formats' records are a
 * few hundred bytes, so --batch's own bound (1,000,000) keeps them well under this.
 */
export const kBatchBudgetBytes = 256 * 2 ** 20;

/** Key bytes a record may carry beside its value: a decimal device id (< 10^8). */
const kKeyBytesBound = 10;

export interface FittedBatch {
  batchRecords: number;
  /** what was chosen instead of --batch and why; null when --batch fits */
  notice: string | null;
}

/** --batch, or the most records of --record-size that fit the budget (at least one). */
export function fitBatch(workload: Pick<Workload, 'format' | 'recordSizeBytes' | 'batchRecords'>): FittedBatch {
  if (workload.format !== 'fixed') return { batchRecords: workload.batchRecords, notice: null };
  const recordBytes = kRecordHeaderBytes + kKeyBytesBound + workload.recordSizeBytes;
  const askedBytes = recordBytes * workload.batchRecords;
  if (askedBytes <= kBatchBudgetBytes) return { batchRecords: workload.batchRecords, notice: null };
  const batchRecords = Math.max(1, Math.floor(kBatchBudgetBytes / recordBytes));
  return {
    batchRecords,
    notice:
      `--batch ${workload.batchRecords} × --record-size ${workload.recordSizeBytes} is ${formatBytes(askedBytes)} a batch per worker, over the ${formatBytes(kBatchBudgetBytes)} budget: ` +
      `batches of ${batchRecords} record${batchRecords === 1 ? '' : 's'} instead`,
  };
}
