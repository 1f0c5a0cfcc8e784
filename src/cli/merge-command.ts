import { StampedeError } from '../errors.js';
import { mergeInstanceResults } from '../sources/instance-files.js';
import type { RunResult } from '../contracts/result.js';
import { renderFleetSummary } from '../report/fleet.js';
import { writeResult } from '../report/json.js';
import { renderSummary } from '../report/summary.js';
import { readResultJson } from '../report/inputs.js';
import { runResultShape } from '../report/result-schema.js';
import { isPlainObject } from '../shape.js';

/** `stampede merge a.json b.json … --out merged.json`: the instances of one run as one result. */
export async function mergeCommand(files: readonly string[], out: string | undefined): Promise<number> {
  const results = files.map((file) => readResult(file));
  const merged = mergeInstanceResults(results, files);
  console.log(renderSummary(merged));
  for (const line of renderFleetSummary(merged)) console.log(line);
  console.log(`\nresult: ${writeResult(merged, out)}`);
  return merged.status === 'ok' ? 0 : merged.status === 'not-valid' ? 3 : 1;
}

/** A run result of one instance, checked against the run result's shape before merge reads it. */
function readResult(file: string): RunResult {
  const doc = readResultJson(file);
  if (!isPlainObject(doc) || doc['schemaVersion'] !== 1 || doc['totals'] === undefined) throw new StampedeError('E_MERGE', `${file} is not a stampede run result`);
  const instance = doc['instance'];
  if (!isPlainObject(instance) || instance['id'] === null || instance['id'] === undefined) {
    throw new StampedeError('E_MERGE', `${file} is not the result of one instance (run it with --instance-id I --instances N)`);
  }
  const problem = runResultShape(doc, '');
  if (problem !== null) throw new StampedeError('E_MERGE', `${file} is not a valid run result: ${problem}`);
  return doc as unknown as RunResult;
}
