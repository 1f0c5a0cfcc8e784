import { readWorkloadFile, resolveWorkload } from '../options/workload.js';
import { flagValues } from './flags.js';
import { runWorkload } from '../run/runner.js';
import { redactText } from '../connection/redact.js';
import { consoleOutput } from '../report/outputs/console.js';
import { resultFilesOutput } from '../report/outputs/files.js';
import { liveOutput } from '../report/outputs/live.js';
import { metricsOutput } from '../report/outputs/metrics.js';
import { Outputs } from '../report/outputs/output.js';
import { instanceDefaults } from '../options/instance.js';
import type { RunResult } from '../contracts/result.js';
import { ExitCode } from './exit-codes.js';
import { onStopSignals } from './signals.js';
import { restoreArmedFaults } from '../faults/broker-restart.js';
import { restoreArmedClusterFaults } from '../faults/cluster-faults.js';

export async function runCommand(argv: Record<string, unknown>): Promise<number> {
  const workloadFile = typeof argv['workload'] === 'string' ? argv['workload'] : undefined;
  const fromFile = workloadFile === undefined ? {} : readWorkloadFile(workloadFile);
  const fromFlags = flagValues(argv, 'run');
  // $JOB_COMPLETION_INDEX / $STAMPEDE_INSTANCES / $STAMPEDE_RUN_ID: a Kubernetes Indexed Job needs no wrapper.
  const workload = resolveWorkload(fromFile, { ...instanceDefaults(process.env, { ...fromFile, ...fromFlags }), ...fromFlags }, workloadFile);
  const controller = new AbortController();
  // A second signal exits at once, past every finally: the broker a --fault killed is started first.
  const offStopSignals = onStopSignals({
    stop: (signal) => {
      const [what, again] = signal === 'SIGINT' ? ['interrupted', 'Ctrl-C again'] : [`stopped (${signal})`, 'a second signal'];
      console.log(`${what}: stopping producers and waiting for outstanding acks (${again} to quit at once)…`);
      controller.abort();
    },
    restore: () => {
      restoreArmedFaults();
      // Waited for (bounded): a node left delayed or cut off would stay so until cluster down.
      return restoreArmedClusterFaults();
    },
  });
  const metrics = await metricsOutput(workload);
  const outputs = new Outputs([liveOutput(workload), ...(metrics ? [metrics] : []), consoleOutput(workload), resultFilesOutput(workload)]);
  try {
    const result = await runWorkload(workload, { signal: controller.signal, ...outputs.runHooks() });
    const failureLines = [...new Set(result.failures.map((failure) => redactText(failure.message.replace(/^worker \d+: /, ''))))];
    const badInputOnly = result.failures.length > 0 && result.failures.every((failure) => failure.exitCode === 2) && result.totals.sent === 0;
    if (badInputOnly) {
      // Rejected before anything was sent (a bad producer property): one line, like any bad input.
      console.error(`stampede: ${failureLines.join('; ')}`);
      return 2;
    }
    await outputs.stop(result);
    for (const line of failureLines) console.error(`stampede: ${line}`);
    return runExitCode(result);
  } finally {
    offStopSignals();
    await outputs.close();
  }
}

/** The order of src/cli/exit-codes.ts: a failure, an interruption, a timeout, not valid, integrity, a threshold. */
export function runExitCode(result: RunResult): number {
  if (result.failures.length > 0) return Math.max(...result.failures.map((failure) => failure.exitCode));
  if (result.status === 'interrupted') return ExitCode.interrupted;
  if (result.status === 'timed-out') return ExitCode.failure;
  if (result.status === 'not-valid') return ExitCode.notValid;
  if (result.status === 'integrity-failed') return ExitCode.integrity;
  if (result.thresholds?.some((outcome) => !outcome.pass)) return ExitCode.thresholdFailed;
  return ExitCode.ok;
}
