import { readFileSync } from 'node:fs';
import { StampedeError } from '../errors.js';
import { mergeInstanceResults } from '../sources/instance-files.js';
import type { RunResult } from '../contracts/result.js';
import { renderFleetSummary } from '../report/fleet.js';
import { writeResult } from '../report/json.js';
import { renderSummary } from '../report/summary.js';

/** `stampede merge a.json b.json … --out merged.json`: the instances of one run as one result. */
export async function mergeCommand(files: readonly string[], out: string | undefined): Promise<number> {
  const results = files.map((file) => readResult(file));
  const merged = mergeInstanceResults(results, files);
  console.log(renderSummary(merged));
  for (const line of renderFleetSummary(merged)) console.log(line);
  console.log(`\nresult: ${writeResult(merged, out)}`);
  return merged.status === 'ok' ? 0 : merged.status === 'not-valid' ? 3 : 1;
}

function readResult(file: string): RunResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new StampedeError('E_MERGE', `${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    const value = JSON.parse(text) as RunResult;
    if (value.schemaVersion !== 1 || value.totals === undefined) throw new Error('not a stampede run result');
    return value;
  } catch (err) {
    throw new StampedeError('E_MERGE', `${file} is not a stampede run result (${(err as Error).message})`);
  }
}
