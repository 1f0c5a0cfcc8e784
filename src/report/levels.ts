import type { RunResult } from '../contracts/result.js';
import { formatCount, formatDurationMs, formatRate, renderTable, usToMs } from '../fmt.js';

/**
 * A scheduled run's levels, one row each: asked against delivered, that level's own latency
 * percentiles (ms), and its verdict; then the knee when thresholds were given.
 */
export function renderLevels(result: RunResult): string[] {
  const levels = result.levels;
  if (!levels || levels.length === 0) return [];
  const e2e = levels.some((level) => level.latency.endToEnd !== null);
  const header = ['level (rec/s)', 'achieved', 'acked', 'from', 'p50', 'p99', 'p99.9', 'delay p99', ...(e2e ? ['e2e p99'] : []), 'verdict'];
  const rows = levels.map((level) => {
    const thresholdsBroken = (level.thresholds ?? []).filter((outcome) => !outcome.pass).map((outcome) => outcome.threshold);
    const verdict = !level.validity.valid ? 'NOT VALID' : thresholdsBroken.length > 0 ? `✗ ${thresholdsBroken.join(', ')}` : '✓';
    const { produceAck, publishDelay, endToEnd } = level.latency;
    return [
      formatCount(level.targetRecordsPerSec),
      `${formatCount(Math.round(level.achievedRecordsPerSec))} (${((100 * level.achievedRecordsPerSec) / level.targetRecordsPerSec).toFixed(1)} %)`,
      formatCount(level.acked),
      formatDurationMs(level.startMs),
      usToMs(produceAck.p50),
      usToMs(produceAck.p99),
      usToMs(produceAck.p999),
      usToMs(publishDelay.p99),
      ...(e2e ? [endToEnd ? usToMs(endToEnd.p99) : '—'] : []),
      verdict,
    ];
  });
  const lines = ['', `load schedule --${result.workload.loadSchedule?.kind} ${result.workload.loadSchedule?.text}: each level from its own histograms (latency in ms; a record counts in the level it was acked in)`, renderTable(header, rows)];
  for (const level of levels) if (!level.validity.valid) lines.push(`  ${formatRate(level.targetRecordsPerSec)} not valid: ${level.validity.reason}`);
  const knee = result.knee;
  if (knee) {
    if (knee.firstFailedRecordsPerSec === null) lines.push('', `knee: not reached — every level met the thresholds, up to ${formatRate(knee.highestPassedRecordsPerSec ?? 0)}`);
    else if (knee.highestPassedRecordsPerSec === null) lines.push('', `knee: below the first level — ${knee.reason}`);
    else lines.push('', `knee: highest level that met the thresholds ${formatRate(knee.highestPassedRecordsPerSec)}; first that did not ${knee.reason}`);
  }
  return lines;
}
