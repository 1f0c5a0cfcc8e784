import { writeJson } from '../report/json.js';
import { diffResults, parseFailAbove, renderDiff } from '../report/diff.js';
import { readResultFile } from '../report/inputs.js';
import { ExitCode } from './exit-codes.js';
import { optionValue } from '../options/values.js';

/** `stampede diff BASELINE.json CURRENT.json [--fail-above 10%] [--out diff.json]`: exit 5 on a regression. */
export function diffCommand(argv: Record<string, unknown>): number {
  const failAbovePct = parseFailAbove(optionValue('diff', 'fail-above', argv));
  const diff = diffResults(readResultFile(String(argv['baseline'])), readResultFile(String(argv['current'])), failAbovePct);
  console.log(renderDiff(diff));
  const out = optionValue('diff', 'out', argv) as string | undefined;
  if (out !== undefined) {
    writeJson(out, diff);
    console.log(`\nresult: ${out}`);
  }
  return diff.regressions > 0 ? ExitCode.regression : ExitCode.ok;
}
