import type { ConsumeIntervalRow, ConsumeResult } from '../contracts/consume-result.js';
import { formatBytes, formatCount, formatDurationMs, formatLatencyUs, formatMbPerSec, formatRate, renderTable, usToMs } from '../fmt.js';
import { renderIntegrityLines } from './integrity.js';

const kPartitionsOnLine = 8;

/** One line per interval of `stampede consume`. */
export function consumeLiveLine(row: ConsumeIntervalRow, totalRecords?: number): string {
  const seconds = String(Math.round(row.elapsedMs / 1000)).padStart(4);
  const progress = totalRecords === undefined ? '' : `  ${Math.min(100, (100 * row.totalConsumed) / totalRecords).toFixed(1).padStart(5)} %`;
  return (
    `[${seconds} s] ${row.phase.padEnd(7)} ${formatRate(row.recordsPerSec).padStart(16)}  ${formatMbPerSec(row.mbPerSec).padStart(10)}` +
    `  lag ${formatCount(row.lagRecords)}  poll interval p99 ${formatLatencyUs(row.pollIntervalP99Us)}  consumed ${formatCount(row.totalConsumed)}${progress}` +
    // A few partitions fit on the line; more are in the JSON and --csv rows.
    (row.perPartition.length <= kPartitionsOnLine ? `  per partition ${row.perPartition.map(formatCount).join('/')}` : '')
  );
}

/** The final summary of `stampede consume`; reads the same result object the JSON holds. */
export function renderConsumeSummary(result: ConsumeResult): string {
  const { totals, workload } = result;
  const lines: string[] = [''];
  lines.push(`stampede ${result.tool.version} consume · ${result.join.perConsumerMs.length} consumer(s) in group ${result.groupId} · from ${workload.from} · ${result.runtime.name} ${result.runtime.version}`);
  lines.push(`librdkafka ${result.librdkafkaVersion}`);
  lines.push(`topic ${result.topic.name} (${result.topic.partitions} partitions) on ${workload.brokers}`);
  lines.push(`host ${result.host.hostname}: ${result.host.cpus} × ${result.host.cpuModel}, ${formatBytes(result.host.memoryBytes)}`);
  lines.push('');
  lines.push(
    renderTable(
      ['throughput', 'value'],
      [
        ['records/s (consumed, measured)', formatRate(totals.recordsPerSec)],
        ['MB/s (key+value, 10^6 B)', formatMbPerSec(totals.mbPerSec)],
        ['measured window', formatDurationMs(totals.durationMs)],
        ['consumed (whole run)', formatCount(totals.consumed)],
        ['lag at the end', `${formatCount(totals.lagAtEnd)} records`],
        ['group covered every partition after', result.join.groupCoveredMs === null ? 'never (the run ended first)' : formatDurationMs(result.join.groupCoveredMs)],
        ['time to join (each consumer)', result.join.perConsumerMs.map((ms) => (ms === 0 ? 'never' : formatDurationMs(ms))).join(', ')],
      ],
    ),
  );
  lines.push('');
  const latencyRows = [['poll interval', result.latency.pollInterval] as const, ...(result.latency.recordAge ? [['record age (receive − send)', result.latency.recordAge] as const] : [])];
  lines.push(
    renderTable(
      ['latency (ms)', 'count', 'p50', 'p95', 'p99', 'p99.9', 'max', 'mean'],
      latencyRows.map(([label, summary]) => [label, formatCount(summary.count), ...[summary.p50, summary.p95, summary.p99, summary.p999, summary.max, summary.mean].map(usToMs)]),
    ),
  );
  lines.push('');
  if (result.integrity) lines.push(...renderIntegrityLines(result.integrity, result.partitions));
  else lines.push(`partitions: ${result.partitions.perPartition.map(formatCount).join(' / ')} records; balance ${result.partitions.balancePct.toFixed(1)} % (100 % = even); integrity not checked`);
  if (result.status === 'timed-out') lines.push(`✗ stopped by --timeout ${formatDurationMs(workload.timeoutMs)} before ${formatCount(workload.records ?? 0)} records were read`);
  return lines.join('\n');
}
