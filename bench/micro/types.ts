import type { HostFacts, RuntimeName } from '../../src/runtime.js';

/** What one operation of a suite is; records/s is reported when an op stands for known records. */
export type SuiteUnit = 'record' | 'interval' | 'batch' | 'key';

/** One suite's measurement: per thread, raw numbers, units in the names. */
export interface SuiteResult {
  name: string;
  unit: SuiteUnit;
  nsPerOp: number;
  opsPerSec: number;
  /** opsPerSec × records an op stands for; absent for ops that are not records (a merge interval) */
  recordsPerSec?: number;
  /** tinybench samples (each sample times `opsPerSample` ops, see suites.ts) */
  samples: number;
  /** relative margin of error of the mean, 95 % */
  rmePct: number;
}

export interface MicroResult {
  schemaVersion: 1;
  kind: 'micro';
  startedAt: string;
  runtime: { name: RuntimeName; version: string };
  host: HostFacts;
  short: boolean;
  suites: SuiteResult[];
  /** present when the run was compared with a baseline */
  comparison?: BaselineComparison;
}

/** One suite against its baseline: change in ops/s, negative = slower. */
export interface SuiteComparison {
  name: string;
  status: 'new' | 'ok' | 'regressed';
  baselineOpsPerSec?: number;
  changePct?: number;
}

export interface BaselineComparison {
  baselinePath: string;
  failAbovePct: number | null;
  suites: SuiteComparison[];
  /** suites in the baseline that this run did not measure */
  missing: string[];
}
