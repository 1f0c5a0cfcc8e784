import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { redactDeep } from '../connection/redact.js';
import type { RunResult } from '../contracts/result.js';

/** results/<kind>-<start time>.json: where a result goes without --out. */
export function defaultResultPath(startedAt: string, kind: 'run' | 'consume' | 'compare' | 'max' = 'run'): string {
  return join('results', `${kind}-${startedAt.replace(/[:.]/g, '-')}.json`);
}

/** Writes the result, secrets redacted (by key, and every known secret value in any string); returns the path written. */
export function writeResult(result: RunResult, path?: string): string {
  const target = path ?? defaultResultPath(result.startedAt);
  writeJson(target, result);
  return target;
}

/** Any result object (run, compare, verify) as indented JSON, secrets redacted. */
export function writeJson(target: string, value: unknown): void {
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, `${JSON.stringify(redactDeep(value), null, 2)}\n`);
}
