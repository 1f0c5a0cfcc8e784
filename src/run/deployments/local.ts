import type { RunResult } from '../../contracts/result.js';
import type { Shard } from '../../plan/shard.js';
import { LocalThreads, producerTaskTemplate } from '../../sources/local-threads.js';
import type { Workload } from '../../options/workload-shape.js';
import type { Deployment } from './types.js';

/** Producer threads of this process (or its main thread, for a main-thread client). */
export function localDeployment(workload: Workload, slice?: Shard[]): Deployment {
  return {
    plan: (prepared) => slice ?? prepared.plan,
    e2eNotices: [
      ...(workload.client === 'native' ? [] : ['end-to-end consumers use the native client (node-rdkafka runs only on the main thread, beside its producer)']),
      'end-to-end latency compares clocks of the producing and consuming hosts: across hosts it needs synchronised clocks (same host here)',
    ],
    start: (prepared, plan, crash) => {
      const template = producerTaskTemplate({ ...workload, valueSchema: prepared.valueSchema }, prepared.librdkafka);
      // With faults each thread keeps its failures by error name over time: each fault's window gets its own.
      return LocalThreads.start(plan, workload.faults.length > 0 ? { ...template, errorCodesEveryMs: workload.intervalMs } : template, prepared.inline, crash);
    },
    finish: (result: RunResult) => result,
    abandon: async () => undefined,
  };
}
