import { writeJson } from '../report/json.js';
import { diffResults, parseFailAbove, renderDiff } from '../report/diff.js';
import { readResultFile } from '../report/inputs.js';
import { ExitCode } from './exit-codes.js';

export const kDefaultFailAbovePct = 10;

/** `stampede diff BASELINE.json CURRENT.json [--fail-above 10%] [--out diff.json]`: exit 5 on a regression. */
export function diffCommand(argv: Record<string, unknown>): number {
  const failAbovePct = argv['fail-above'] === undefined ? kDefaultFailAbovePct : parseFailAbove(argv['fail-above']);
  const diff = diffResults(readResultFile(String(argv['baseline'])), readResultFile(String(argv['current'])), failAbovePct);
  console.log(renderDiff(diff));
  if (typeof argv['out'] === 'string') {
    writeJson(argv['out'], diff);
    console.log(`\nresult: ${argv['out']}`);
  }
  return diff.regressions > 0 ? ExitCode.regression : ExitCode.ok;
}
