import { Bench } from 'tinybench';
import type { Suite } from './suites.js';
import type { SuiteResult } from './types.js';

/** tinybench budgets per task: --short is sized for CI (whole run well under 15 s). */
export const kShortBudget = { time: 100, warmupTime: 50, iterations: 8, warmupIterations: 4 } as const;
export const kFullBudget = { time: 1000, warmupTime: 250, iterations: 64, warmupIterations: 16 } as const;

/** Runs the suites one after another and returns per-op numbers; prints nothing. */
export async function measureSuites(suites: readonly Suite[], short: boolean): Promise<SuiteResult[]> {
  const bench = new Bench({ ...(short ? kShortBudget : kFullBudget), throws: true });
  for (const suite of suites) bench.add(suite.name, suite.run);
  await bench.run();
  return suites.map((suite): SuiteResult => {
    const task = bench.getTask(suite.name);
    const result = task?.result;
    if (!result || (result.state !== 'completed' && result.state !== 'aborted-with-statistics')) {
      throw new Error(`suite "${suite.name}" did not complete (${result?.state ?? 'no task'})`);
    }
    const { latency } = result;
    // latency is ms per sample; one sample runs opsPerSample ops.
    const nsPerOp = (latency.mean * 1e6) / suite.opsPerSample;
    const opsPerSec = 1e9 / nsPerOp;
    return {
      name: suite.name,
      unit: suite.unit,
      nsPerOp,
      opsPerSec,
      ...(suite.recordsPerOp === undefined ? {} : { recordsPerSec: opsPerSec * suite.recordsPerOp }),
      samples: latency.samplesCount,
      rmePct: latency.rme,
    };
  });
}
