import { StampedeError } from '../errors.js';
import { writeCsv } from '../report/csv.js';
import { writeHgrmFiles } from '../report/hgrm.js';
import { writeReportHtml } from '../report/html/page.js';
import { readResultFiles, runSeriesOf, type ReportInput } from '../report/inputs.js';
import { ExitCode } from './exit-codes.js';

export interface ReportTargets {
  html?: string | undefined;
  hgrm?: string | undefined;
  csv?: string | undefined;
}

/** Writes every asked-for report of these inputs; returns one line per file written. */
export function writeReports(inputs: readonly ReportInput[], targets: ReportTargets): string[] {
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

/** `stampede report RESULT.json [MORE.json …] --html F --hgrm DIR --csv F`. */
export function reportCommand(argv: Record<string, unknown>): number {
  const files = (argv['results'] as unknown[] | undefined)?.map(String) ?? [];
  const targets: ReportTargets = {
    html: argv['html'] === undefined ? undefined : String(argv['html']),
    hgrm: argv['hgrm'] === undefined ? undefined : String(argv['hgrm']),
    csv: argv['csv'] === undefined ? undefined : String(argv['csv']),
  };
  for (const [flag, value] of Object.entries(targets)) {
    if (value === '') throw new StampedeError('E_OPTION', `--${flag} needs a path`);
  }
  if (targets.html === undefined && targets.hgrm === undefined && targets.csv === undefined) {
    throw new StampedeError('E_OPTION', 'name at least one output: --html FILE, --hgrm DIR or --csv FILE');
  }
  const inputs = readResultFiles(files);
  for (const line of writeReports(inputs, targets)) console.log(line);
  return ExitCode.ok;
}
