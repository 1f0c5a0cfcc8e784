import { readWorkloadFile, resolveWorkload } from '../options/workload.js';
import { runCompare } from '../experiments/compare.js';
import { flagValues } from './flags.js';
import { rejectNotTaken } from '../options/not-taken.js';
import { onStopSignals } from './signals.js';
import { compareConsoleOutput, compareFilesOutput } from '../report/outputs/compare.js';
import { Outputs } from '../report/outputs/output.js';

/** `stampede compare`: the micro-vs-end-to-end mode; takes the same workload flags as `run`. */
export async function compareCommand(argv: Record<string, unknown>): Promise<number> {
  const workloadFile = typeof argv['workload'] === 'string' ? argv['workload'] : undefined;
  const fromFlags = flagValues(argv, 'compare');
  rejectNotTaken('compare', fromFlags);
  const workload = resolveWorkload(workloadFile === undefined ? {} : readWorkloadFile(workloadFile), fromFlags, workloadFile);
  const controller = new AbortController();
  const offStopSignals = onStopSignals({ stop: () => controller.abort(), restore: () => undefined });
  try {
    const outputs = new Outputs([compareConsoleOutput(workload), compareFilesOutput(workload)]);
    const result = await runCompare(workload, { signal: controller.signal, onMode: (mode) => outputs.interval(mode), onNotice: (text) => outputs.notice(text) });
    await outputs.stop(result);
    const statuses = Object.values(result.modes).map((mode) => mode.status);
    return statuses.every((status) => status === 'ok') ? 0 : 1;
  } finally {
    offStopSignals();
  }
}
