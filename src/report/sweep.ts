import type { SweepResult } from '../experiments/sweep.js';
import type { SweepPoint } from '../experiments/sweep-point.js';
import { formatCount, formatMbPerSec, renderTable, usToMs } from '../fmt.js';

/** The columns a sweep compares its points on, one per varied option first. */
export function sweepRows(sweep: SweepResult): { header: string[]; rows: string[][] } {
  const names = sweep.vary.map((axis) => axis.name);
  const header = ['#', ...names, 'rec/s', 'MB/s', 'p50 (ms)', 'p99 (ms)', 'p99.9 (ms)', ...(sweep.points.some((point) => point.endToEndP99Us !== null) ? ['e2e p99 (ms)'] : []), 'CPU s/M rec', 'verdict'];
  const e2e = header.includes('e2e p99 (ms)');
  const rows = sweep.points.map((point) => [
    `${point.index + 1}${sweep.best.index === point.index ? ' ★' : ''}`,
    ...names.map((name) => point.values[name] ?? ''),
    formatCount(Math.round(point.recordsPerSec)),
    formatMbPerSec(point.mbPerSec).replace(' MB/s', ''),
    usToMs(point.latency.p50Us),
    usToMs(point.latency.p99Us),
    usToMs(point.latency.p999Us),
    ...(e2e ? [point.endToEndP99Us === null ? '—' : usToMs(point.endToEndP99Us)] : []),
    point.cpuSecPerMillionRecords === null ? '—' : point.cpuSecPerMillionRecords.toFixed(2),
    point.valid ? 'valid' : 'NOT VALID',
  ]);
  return { header, rows };
}

export const verdictOf = (point: SweepPoint): string => (point.valid ? 'valid' : `NOT VALID${point.validityReason ? `: ${point.validityReason}` : ''}`);

/** The best point in one line, or why there is none. */
export function bestLine(sweep: SweepResult): string {
  const best = sweep.best.index === null ? undefined : sweep.points[sweep.best.index];
  if (!best) return `best (${sweep.best.objective}): none — ${sweep.best.why}`;
  const label = Object.entries(best.values).map(([name, value]) => `${name}=${value}`).join(' ');
  return `best (${sweep.best.objective}): #${best.index + 1} ${label} — ${formatCount(Math.round(best.recordsPerSec))} rec/s, p99 ${usToMs(best.latency.p99Us)} ms (${sweep.best.why})`;
}

/** The text a sweep ends with: every point in one table, then the best. */
export function renderSweep(sweep: SweepResult): string[] {
  const { header, rows } = sweepRows(sweep);
  const interrupted = sweep.status === 'interrupted' ? ` — interrupted: ${sweep.points.length} of ${sweep.plannedPoints} points finished` : '';
  const reasons = sweep.points.filter((point) => !point.valid).map((point) => `  #${point.index + 1} ${verdictOf(point)}`);
  return ['', `sweep of ${sweep.plannedPoints} point(s), seed ${sweep.seed}${sweep.zip ? ', zipped' : ''}${interrupted} (latency: produce→ack; ★ best)`, renderTable(header, rows), ...reasons, '', bestLine(sweep)];
}
