import { renderTable } from '../../src/fmt.js';
import type { ToolResult } from './types.js';

const ms = (value: number | null): string => (value === null ? '—' : value < 10 ? value.toFixed(2) : value.toFixed(1));

/** The comparison table: every tool against stampede's confirmation run, as native ÷ tool. */
export function renderComparison(reference: ToolResult, rows: readonly ToolResult[]): string {
  return renderTable(
    ['tool', 'records/s', 'MB/s', 'p50 (ms)', 'p99 (ms)', `${reference.tool} ÷ tool`, 'tool CPU (cores)', 'broker CPU (cores)', 'machine busy (cores)'],
    rows.map((row) => [
      row.error ? `${row.tool} (failed: ${row.error})` : row.tool,
      Math.round(row.recordsPerSec).toLocaleString('en-US'),
      row.mbPerSec.toFixed(1),
      ms(row.p50Ms),
      ms(row.p99Ms),
      row.recordsPerSec > 0 ? (reference.recordsPerSec / row.recordsPerSec).toFixed(2) : '—',
      row.cpu.toolCores.toFixed(2),
      row.cpu.brokerCores === null ? '—' : row.cpu.brokerCores.toFixed(2),
      `${row.cpu.machineBusyCores.toFixed(2)} of ${row.cpu.machineCores.toFixed(0)}`,
    ]),
  );
}

export function renderSweep(rows: readonly (ToolResult & { label: string })[]): string {
  return renderTable(
    ['sweep point', 'records/s', 'p50 (ms)', 'p99 (ms)', 'tool CPU', 'broker CPU'],
    rows.map((row) => [
      row.error ? `${row.label} (failed: ${row.error})` : row.label,
      Math.round(row.recordsPerSec).toLocaleString('en-US'),
      ms(row.p50Ms),
      ms(row.p99Ms),
      row.cpu.toolCores.toFixed(2),
      row.cpu.brokerCores === null ? '—' : row.cpu.brokerCores.toFixed(2),
    ]),
  );
}
