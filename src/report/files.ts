import { writeCsv } from './csv.js';
import { writeHgrmFiles } from './hgrm.js';
import { writeReportHtml } from './html/page.js';
import { runSeriesOf, type ReportInput } from './inputs.js';

export interface ReportTargets {
  html?: string | undefined;
  hgrm?: string | undefined;
  csv?: string | undefined;
}

/** Writes every asked-for report of these inputs; returns one line per file written. */
export function writeReportFiles(inputs: readonly ReportInput[], targets: ReportTargets): string[] {
  const lines: string[] = [];
  const series = runSeriesOf(inputs);
  if (targets.html !== undefined) lines.push(`html: ${writeReportHtml(targets.html, inputs)}`);
  if (targets.hgrm !== undefined) {
    const written = writeHgrmFiles(targets.hgrm, series);
    lines.push(written.length > 0 ? `hgrm: ${written.join(', ')}` : 'hgrm: none written (no latency histograms in the input: bench-max keeps only p50/p99)');
  }
  if (targets.csv !== undefined) lines.push(`csv: ${writeCsv(targets.csv, series)}`);
  return lines;
}
