import type { RunResult } from '../contracts/result.js';
import type { LatencySummary } from '../histogram/merge.js';
import { renderIntegrity } from './integrity.js';
import { renderAvailability } from './availability.js';
import { renderGenerator } from './generator.js';
import { renderTransactions } from './transactions.js';
import { renderStages } from './stages.js';
import { renderLevels } from './levels.js';
import { formatBytes, formatCount, formatDurationMs, formatMbPerSec, formatRate, renderTable, usToMs } from '../fmt.js';

/** The final human summary; reads the same result object the JSON reporter writes. */
export function renderSummary(result: RunResult): string {
  const lines = ['', ...renderHeader(result), '', renderThroughput(result), '', renderLatencies(result)];
  lines.push(...renderTransactions(result));
  if (result.integrity) lines.push('', ...renderIntegrity(result));
  const stages = renderStages(result);
  if (stages.length > 0) lines.push('', ...stages);
  const availability = renderAvailability(result);
  if (availability.length > 0) lines.push('', ...availability);
  const generator = renderGenerator(result);
  if (generator.length > 0) lines.push('', ...generator);
  lines.push(...renderFixedRate(result), ...renderLevels(result), ...renderNotes(result));
  return lines.join('\n');
}

/** The records a run sent: a device model and its encoding, or the built-in format. */
function recordsOf(workload: RunResult['workload']): string {
  const model = workload.model;
  if (model !== undefined && model.builtin === undefined) return `model ${model.file.replace(/^.*[\\/]/, '')} (${model.encoding})`;
  return workload.format === 'fixed' ? `fixed ${workload.recordSizeBytes} B` : workload.format;
}

/** What ran where: tool, client, threads, devices, format, profile, runtime, librdkafka, topic, host. */
function renderHeader(result: RunResult): string[] {
  const { workload } = result;
  const lines = [
    `stampede ${result.tool.version} · ${workload.client} client · ${workload.effectiveWorkers} worker(s) · ${formatCount(workload.devices)} devices · ${recordsOf(workload)}` +
      ` · profile ${workload.profile} · ${result.runtime.name} ${result.runtime.version}`,
  ];
  if (result.librdkafkaVersion) lines.push(`librdkafka ${result.librdkafkaVersion}`);
  if (result.topic) lines.push(`topic ${result.topic.name} (${result.topic.partitions} partitions${result.topic.created ? ', created' : ''}) on ${workload.brokers}`);
  lines.push(`host ${result.host.hostname}: ${result.host.cpus} × ${result.host.cpuModel}, ${formatBytes(result.host.memoryBytes)}`);
  return lines;
}

function renderThroughput(result: RunResult): string {
  const { totals } = result;
  return renderTable(
    ['throughput', 'value'],
    [
      ['records/s (acked, measured)', formatRate(totals.recordsPerSec)],
      ['MB/s (key+value, 10^6 B)', formatMbPerSec(totals.mbPerSec)],
      ['measured window', formatDurationMs(totals.durationMs)],
      ['sent (whole run)', formatCount(totals.sent)],
      ['acked (whole run)', formatCount(totals.acked)],
      ['errors (whole run)', formatCount(totals.errors)],
      ['queue-full waits', formatCount(totals.backpressureWaits)],
      ['blocked on a full queue', formatDurationMs(totals.blockedMicros / 1000)],
      ...(result.validity.askedRecordsPerSec === null ? [] : [['records/s asked', askedText(result)]]),
    ],
  );
}

/** One row per latency kind the run measured: count and percentiles in ms. */
function renderLatencies(result: RunResult): string {
  const { produceAck, endToEnd, commit } = result.latency;
  return renderTable(
    ['latency (ms)', 'count', 'p50', 'p95', 'p99', 'p99.9', 'max', 'mean'],
    [
      latencyRow(result.workload.trackLatency === false ? 'produce→ack (--latency off)' : 'produce→ack', produceAck),
      ...(endToEnd ? [latencyRow('end-to-end', endToEnd)] : []),
      ...(commit ? [latencyRow('transaction commit', commit)] : []),
    ],
  );
}

/**
 * A latency kind's row: nothing recorded (--latency off, no record consumed) shows dashes, not
 * "<0.001", which would claim values under 1 µs.
 */
function latencyRow(label: string, summary: LatencySummary): string[] {
  const values = [summary.p50, summary.p95, summary.p99, summary.p999, summary.max, summary.mean];
  return [label, formatCount(summary.count), ...values.map((valueUs) => (summary.count === 0 ? '–' : usToMs(valueUs)))];
}

/** At a fixed rate: the publish delay, values below zero, and whether the run did what it was asked. */
function renderFixedRate(result: RunResult): string[] {
  const lines: string[] = [];
  const delay = result.latency.publishDelay;
  if (delay) {
    lines.push('');
    lines.push(renderTable(['publish delay (ms)', 'count', 'p50', 'p99', 'max'], [['intended→sent', formatCount(delay.count), ...[delay.p50, delay.p99, delay.max].map(usToMs)]]));
    lines.push('produce→ack is measured from each record\'s intended send time (coordinated-omission corrected)');
  }
  // Values below zero never enter a histogram; they are shown here so none is hidden.
  if (delay || result.latency.endToEnd) lines.push(renderBelowZero(result));
  if (!result.validity.valid) lines.push('', `✗ NOT VALID: ${result.validity.reason}`);
  else if (result.validity.askedRecordsPerSec !== null) {
    lines.push('', `✓ valid at ${formatRate(result.validity.askedRecordsPerSec)}: delivered ${result.validity.achievedPct!.toFixed(1)} %, never blocked, publish-delay p99 ${usToMs(delay?.p99 ?? 0)} ms`);
  }
  return lines;
}

/** Clamped values, notices, records unaccounted for, a status other than ok, failures. */
function renderNotes(result: RunResult): string[] {
  const lines: string[] = [];
  const { totals } = result;
  if (result.latency.produceAck.clamped > 0) lines.push(`note: ${formatCount(result.latency.produceAck.clamped)} latencies above 1 h were recorded as 1 h`);
  for (const notice of result.notices) lines.push(`note: ${notice}`);
  const unaccounted = totals.sent - totals.acked - totals.errors;
  if (unaccounted !== 0) lines.push(`warning: ${formatCount(unaccounted)} sent records were neither acknowledged nor failed`);
  if (result.status !== 'ok') lines.push(`status: ${result.status}`);
  for (const failure of result.failures) lines.push(`error: ${failure.message}`);
  return lines;
}

function renderBelowZero(result: RunResult): string {
  const parts = [`produce→ack ${formatCount(result.latency.produceAck.negative.count)}`];
  if (result.latency.endToEnd) parts.push(`end-to-end ${formatCount(result.latency.endToEnd.negative.count)}`);
  if (result.latency.publishDelay) parts.push(`publish delay ${formatCount(result.latency.publishDelay.negative.count)}`);
  const worst = [result.latency.produceAck, result.latency.endToEnd, result.latency.publishDelay].filter((latency) => latency && latency.negative.count > 0);
  const means = worst.map((latency) => usToMs(latency!.negative.meanUs)).join(', ');
  return `values below zero (kept out of the histograms): ${parts.join(', ')}${means ? ` (mean ${means} ms: a clock step or skew between clocks)` : ''}`;
}

/** "50,000 rec/s (uniform), 99.9 % delivered"; a Poisson schedule's realised rate is named when it differs. */
function askedText(result: RunResult): string {
  const { askedRecordsPerSec, scheduledRecordsPerSec, achievedPct } = result.validity;
  const realised = scheduledRecordsPerSec !== null && Math.abs(scheduledRecordsPerSec - askedRecordsPerSec!) >= 0.5 ? `, ${formatRate(scheduledRecordsPerSec)} made due` : '';
  return `${formatRate(askedRecordsPerSec!)} (${result.workload.arrival}${realised}), ${achievedPct!.toFixed(1)} % delivered`;
}
