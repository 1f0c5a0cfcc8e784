import { formatCount, formatNs, renderTable } from '../../src/fmt.js';
import type { HostFacts } from '../../src/runtime.js';
import type { BaselineComparison, MicroResult, SuiteComparison } from './types.js';

/** ns with about three significant digits: 12.3, 456, 1,234,567. */
/** "+4.0 %", "−12.3 %" (a real minus sign, so the column reads as a change), "new". */
export function formatChange(suite: SuiteComparison | undefined): string {
  if (!suite || suite.status === 'new' || suite.changePct === undefined) return 'new';
  const sign = suite.changePct < 0 ? '−' : '+';
  return `${sign}${Math.abs(suite.changePct).toFixed(1)} %${suite.status === 'regressed' ? ' ✗' : ''}`;
}

/** The per-suite table; a "vs baseline (ops/s)" column when the run was compared. */
export function renderMicroTable(result: MicroResult): string {
  const comparison = result.comparison;
  const byName = new Map(comparison?.suites.map((suite) => [suite.name, suite]));
  const header = ['suite', 'op', 'ns/op', 'ops/s', 'records/s/thread', '±%', ...(comparison ? ['vs baseline (ops/s)'] : [])];
  const rows = result.suites.map((suite) => [
    suite.name,
    suite.unit,
    formatNs(suite.nsPerOp),
    formatCount(suite.opsPerSec),
    suite.recordsPerSec === undefined ? '–' : formatCount(suite.recordsPerSec),
    suite.rmePct.toFixed(1),
    ...(comparison ? [formatChange(byName.get(suite.name))] : []),
  ]);
  return renderTable(header, rows);
}

export function renderMachineNote(host: HostFacts, short: boolean): string {
  return `machine: ${host.hostname}, ${host.cpus} × ${host.cpuModel}, ${Math.round(host.memoryBytes / 2 ** 30)} GiB; one thread; ${short ? '--short (CI-sized samples, noisier)' : 'full run'}`;
}

/** Lines under the table about the comparison: suites the baseline had that this run lacks. */
export function renderComparisonNotes(comparison: BaselineComparison): string[] {
  const notes = [`baseline: ${comparison.baselinePath}${comparison.failAbovePct === null ? '' : `, failing suites slower by more than ${comparison.failAbovePct} %`}`];
  if (comparison.missing.length > 0) notes.push(`not measured this run (in baseline only): ${comparison.missing.join(', ')}`);
  return notes;
}

/** One line naming every regression with its change, for stderr. */
export function renderRegressions(regressions: readonly SuiteComparison[], failAbovePct: number): string {
  const list = regressions.map((suite) => `${suite.name} (${formatChange(suite).replace(' ✗', '')})`).join(', ');
  return `${regressions.length} suite(s) slower than the baseline by more than ${failAbovePct} %: ${list}`;
}

export const toJson = (result: MicroResult): string => `${JSON.stringify(result, null, 2)}\n`;
