import type { IntervalRow } from '../contracts/result.js';
import { stageColumnsText } from './stages.js';
import { formatCount, formatLatencyUs, formatMbPerSec, formatRate } from '../fmt.js';

/** One line per interval, e.g. "[  12 s] measure  612,330 rec/s  58.4 MB/s  p99 3.41 ms  acked 7,120,000  errors 0". */
export function liveLine(row: IntervalRow, totalRecords?: number): string {
  const seconds = String(Math.round(row.elapsedMs / 1000)).padStart(4);
  const progress = totalRecords === undefined ? '' : `  ${((100 * row.totalAcked) / totalRecords).toFixed(1).padStart(5)} %`;
  const consumer = row.consumedPerSec === undefined ? '' : `  consumed ${formatRate(row.consumedPerSec)}  lag ${formatCount(row.lagRecords ?? 0)}  e2e p99 ${formatLatencyUs(row.e2eP99Us ?? 0)}`;
  const target = row.targetRecordsPerSec === undefined ? '' : `  target ${formatRate(row.targetRecordsPerSec)}`;
  const backpressure = row.backpressureWaits > 0 ? `  queue-full waits ${formatCount(row.backpressureWaits)}` : '';
  // So a reader can tell who set the rate: the process's CPU, and which producer threads (if any) were the limit in this interval.
  const cpu = row.processCpuCores === undefined ? '' : `  cpu ${row.processCpuCores.toFixed(2)} cores`;
  const bound = row.boundThreads && row.boundThreads.length > 0 ? `  generator-bound: thread ${row.boundThreads.join(', ')}` : '';
  return (
    `[${seconds} s] ${row.phase.padEnd(7)} ${formatRate(row.recordsPerSec).padStart(16)}  ${formatMbPerSec(row.mbPerSec).padStart(10)}` +
    `  p99 ${formatLatencyUs(row.p99Us).padStart(9)}  acked ${formatCount(row.totalAcked)}  errors ${formatCount(row.errors)}${target}${progress}${consumer}${stageColumnsText(row.stages)}${backpressure}${cpu}${bound}`
  );
}
