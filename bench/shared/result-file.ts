import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Writes a benchmark's JSON to `outPath`, or to results/<benchName>-<UTC time>.json, and prints
 * where. Returns the path.
 */
export function writeBenchResult(benchName: string, outPath: string | undefined, body: unknown): string {
  const target = outPath ?? join('results', `${benchName}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, `${JSON.stringify(body, null, 2)}\n`);
  console.log(`result: ${target}`);
  return target;
}
