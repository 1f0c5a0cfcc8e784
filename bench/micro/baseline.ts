import { readFileSync } from 'node:fs';
import { StampedeError } from '../../src/errors.js';
import type { BaselineComparison, SuiteComparison, SuiteResult } from './types.js';

/** The part of an earlier micro result a comparison needs. */
export interface Baseline {
  path: string;
  suites: { name: string; opsPerSec: number }[];
}

const baselineError = (path: string, why: string): StampedeError => new StampedeError('E_OPTION', `--baseline ${path} ${why}`);

/** Reads and checks a micro result written by an earlier run; user errors exit 2. */
export function loadBaseline(path: string): Baseline {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw baselineError(path, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw baselineError(path, 'is not valid JSON');
  }
  return { path, suites: parseBaselineSuites(path, parsed) };
}

export function parseBaselineSuites(path: string, parsed: unknown): Baseline['suites'] {
  const doc = parsed as { kind?: unknown; schemaVersion?: unknown; suites?: unknown } | null;
  if (doc === null || typeof doc !== 'object' || doc.kind !== 'micro' || doc.schemaVersion !== 1 || !Array.isArray(doc.suites)) {
    throw baselineError(path, 'is not a micro benchmark result (expected kind "micro", schemaVersion 1 and a suites list)');
  }
  return doc.suites.map((entry: unknown, index) => {
    const suite = entry as { name?: unknown; opsPerSec?: unknown } | null;
    if (suite === null || typeof suite !== 'object' || typeof suite.name !== 'string' || typeof suite.opsPerSec !== 'number' || !(suite.opsPerSec > 0)) {
      throw baselineError(path, `has a malformed suite at index ${index} (needs a name and a positive opsPerSec)`);
    }
    return { name: suite.name, opsPerSec: suite.opsPerSec };
  });
}

/**
 * Compares ops/s per suite. A suite is a regression when it is slower than its baseline by more than
 * `failAbovePct` percent; with `failAbovePct` null nothing fails and the change is only shown. A suite
 * the baseline lacks is "new", never a failure, so adding a benchmark does not break CI.
 */
export function compareWithBaseline(current: readonly SuiteResult[], baseline: Baseline, failAbovePct: number | null): BaselineComparison {
  const before = new Map(baseline.suites.map((suite) => [suite.name, suite.opsPerSec]));
  const suites = current.map((suite): SuiteComparison => {
    const baselineOpsPerSec = before.get(suite.name);
    if (baselineOpsPerSec === undefined) return { name: suite.name, status: 'new' };
    const changePct = (suite.opsPerSec / baselineOpsPerSec - 1) * 100;
    const regressed = failAbovePct !== null && -changePct > failAbovePct;
    return { name: suite.name, status: regressed ? 'regressed' : 'ok', baselineOpsPerSec, changePct };
  });
  const measured = new Set(current.map((suite) => suite.name));
  const missing = baseline.suites.filter((suite) => !measured.has(suite.name)).map((suite) => suite.name);
  return { baselinePath: baseline.path, failAbovePct, suites, missing };
}

export const regressionsOf = (comparison: BaselineComparison): SuiteComparison[] => comparison.suites.filter((suite) => suite.status === 'regressed');
