import { StampedeError } from '../errors.js';
import { writeReportFiles, type ReportTargets } from '../report/files.js';
import { readResultFiles } from '../report/inputs.js';
import { ExitCode } from './exit-codes.js';

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
  for (const line of writeReportFiles(inputs, targets)) console.log(line);
  return ExitCode.ok;
}
