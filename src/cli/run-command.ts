import type { Argv } from 'yargs';
import { readWorkloadFile, resolveWorkload, type RawOptions } from '../options/workload.js';
import { OPTION_SPECS, type OptionSpec } from '../options/schema.js';
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

/** Kinds a flag may repeat: every value is kept, in order. */
const isRepeatable = (spec: OptionSpec): boolean => spec.kind.type === 'props' || spec.kind.type === 'thresholds';

/** Every workload option becomes a flag; values stay strings so the schema alone validates them. */
export function addWorkloadFlags<T>(yargs: Argv<T>): Argv<T> {
  let built = yargs.option('workload', { type: 'string', requiresArg: true, describe: 'YAML workload file (flags override its values)' });
  for (const spec of OPTION_SPECS as readonly OptionSpec[]) {
    const shown = spec.default === undefined || (Array.isArray(spec.default) && spec.default.length === 0) ? '' : ` [default: ${String(spec.default)}]`;
    built = built.option(spec.name, {
      // A bool is a plain switch (--e2e); everything else stays a string for the schema to check.
      type: spec.kind.type === 'bool' ? 'boolean' : 'string',
      array: isRepeatable(spec),
      // A bare --html means "beside the JSON result".
      requiresArg: spec.kind.type !== 'bool' && spec.kind.type !== 'optional-path',
      describe: `${spec.describe}${shown}`,
      group: 'Workload:',
    });
  }
  return built;
}

export function workloadFlagValues(argv: Record<string, unknown>): RawOptions {
  const values: Record<string, unknown> = {};
  for (const spec of OPTION_SPECS as readonly OptionSpec[]) {
    const value = argv[spec.name];
    if (value === undefined) continue;
    // A flag given twice keeps its last value, as most CLIs do; props collect every value.
    values[spec.name] = Array.isArray(value) && !isRepeatable(spec) ? value[value.length - 1] : value;
  }
  return values as RawOptions;
}

export async function runCommand(argv: Record<string, unknown>): Promise<number> {
  const workloadFile = typeof argv['workload'] === 'string' ? argv['workload'] : undefined;
  const fromFile = workloadFile === undefined ? {} : readWorkloadFile(workloadFile);
  const fromFlags = workloadFlagValues(argv);
  // $JOB_COMPLETION_INDEX / $STAMPEDE_INSTANCES / $STAMPEDE_RUN_ID: a Kubernetes Indexed Job needs no wrapper.
  const workload = resolveWorkload(fromFile, { ...instanceDefaults(process.env, { ...fromFile, ...fromFlags }), ...fromFlags }, workloadFile);
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(130); // a second Ctrl-C does not wait for the drain
    console.log('interrupted: stopping producers and waiting for outstanding acks (Ctrl-C again to quit at once)…');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const metrics = await metricsOutput(workload);
  const outputs = new Outputs([liveOutput(workload), ...(metrics ? [metrics] : []), consoleOutput(workload), resultFilesOutput(workload)]);
  try {
    const result = await runWorkload(workload, { signal: controller.signal, onFault: (text) => console.log(text), ...outputs.runHooks() });
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
    process.off('SIGINT', onSigint);
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
