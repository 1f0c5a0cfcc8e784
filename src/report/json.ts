import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RunResult } from '../run/result.js';

export function defaultResultPath(startedAt: string): string {
  return join('results', `run-${startedAt.replace(/[:.]/g, '-')}.json`);
}

/** Writes the result; returns the path written. */
export function writeResult(result: RunResult, path?: string): string {
  const target = path ?? defaultResultPath(result.startedAt);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, `${JSON.stringify(result, null, 2)}\n`);
  return target;
}
