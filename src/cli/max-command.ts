import { redactText } from '../connection/redact.js';
import { StampedeError } from '../errors.js';
import { kDefaultStepWarmupMs, resolveMaxOptions } from '../options/max-settings.js';
import { readWorkloadFile, resolveWorkload, type RawOptions } from '../options/workload.js';
import { findMaxRate, type MaxResult, type MaxSettings } from '../experiments/max-rate.js';
import { ExitCode } from './exit-codes.js';
import { maxConsoleOutput, maxFilesOutput, type MaxEvent } from '../report/outputs/max.js';
import { Outputs } from '../report/outputs/output.js';
import { onStopSignals } from './signals.js';
import { flagValues } from './flags.js';
import { NOT_TAKEN, rejectNotTaken } from '../options/not-taken.js';

/** What max does not take, and why (a workload file's values for them are ignored with a note). */
const kNotTaken: Readonly<Record<string, string>> = NOT_TAKEN.max ?? {};
import type { Workload } from '../options/workload-shape.js';


/** The workload and search settings from flags and the workload file; bad input throws (exit 2). */
export function resolveMaxInput(argv: Record<string, unknown>): { workload: Workload; settings: MaxSettings; ignored: string[] } {
  const workloadFile = typeof argv['workload'] === 'string' ? argv['workload'] : undefined;
  const fromFile = workloadFile === undefined ? {} : readWorkloadFile(workloadFile);
  const fromFlags = flagValues(argv, 'max');
  rejectNotTaken('max', fromFlags);
  const workload = resolveWorkload(fromFile, fromFlags, workloadFile);
  const options = resolveMaxOptions(argv);
  const workers = workload.client === 'node-rdkafka' ? 1 : workload.workers;
  if (options.floorRecordsPerSec !== undefined && options.floorRecordsPerSec < workers) {
    throw new StampedeError('E_OPTION', `--floor ${options.floorRecordsPerSec} is less than 1 record/s for each of the ${workers} workers`);
  }
  if (options.method === 'steps' && workload.hosts !== undefined) throw new StampedeError('E_OPTION', '--method steps cannot take --hosts: its stepped run is a load schedule, and a load schedule runs on one host only; drop --hosts, or keep --hosts with --method bisect (the default), whose every step and confirming run produces from all the hosts');
  const warmupGiven = fromFlags.warmup !== undefined || fromFile.warmup !== undefined;
  // `rate: max` in a file asks for what max does anyway.
  const ignored = Object.keys(kNotTaken).filter((name) => fromFile[name as keyof RawOptions] !== undefined && !(name === 'rate' && String(fromFile.rate).trim().toLowerCase() === 'max'));
  return { workload, settings: { ...options, stepWarmupMs: warmupGiven ? workload.warmupMs : kDefaultStepWarmupMs }, ignored };
}

/**
 * Runs the search and prints as it goes: the plan, the max throughput, every step as it finishes,
 * then the answer. bench-max calls it too, after its sweep, with a log of its own.
 */
export async function runMaxSearch(workload: Workload, settings: MaxSettings, options: { signal?: AbortSignal; log?: (line: string) => void } = {}): Promise<MaxResult> {
  const outputs = new Outputs([maxConsoleOutput(workload, settings, options.log)]);
  const result = await searchWith(outputs, workload, settings, options.signal);
  await outputs.stop(result);
  return result;
}

/** The search with every event handed to the outputs. */
function searchWith(outputs: Outputs<MaxEvent, MaxResult>, workload: Workload, settings: MaxSettings, signal: AbortSignal | undefined): Promise<MaxResult> {
  return findMaxRate(workload, settings, {
    ...(signal ? { signal } : {}),
    onNotice: (text) => outputs.notice(text),
    onMeasuring: () => outputs.interval({ kind: 'measuring' }),
    onMeasured: (throughput) => outputs.interval({ kind: 'measured', throughput }),
    onStep: (step) => outputs.interval({ kind: 'step', step }),
    onStepped: (stepped) => outputs.interval({ kind: 'stepped', stepped }),
    onConfirming: (recordsPerSec) => outputs.interval({ kind: 'confirming', recordsPerSec }),
    onConfirmed: (confirmation) => outputs.interval({ kind: 'confirmed', confirmation }),
  });
}

/** `stampede max --slo 'p99<50ms'`: exit 0 with a confirmed answer, 3 when even the floor fails the SLO or the confirming run does. */
export async function maxCommand(argv: Record<string, unknown>): Promise<number> {
  const { workload, settings, ignored } = resolveMaxInput(argv);
  const controller = new AbortController();
  const offStopSignals = onStopSignals({
    stop: (signal) => {
      console.log(`${signal === 'SIGINT' ? 'interrupted' : `stopped (${signal})`}: ending the current step (${signal === 'SIGINT' ? 'Ctrl-C again' : 'a second signal'} to quit at once)…`);
      controller.abort();
    },
    // A step's run ends its own faults; max takes no --fault.
    restore: () => undefined,
  });
  try {
    if (ignored.length > 0) console.log(`note: max ignores ${ignored.join(', ')} of ${workload.workloadFile} (${ignored.map((name) => kNotTaken[name]).join('; ')})`);
    const outputs = new Outputs([maxConsoleOutput(workload, settings), maxFilesOutput(workload)]);
    const result = await searchWith(outputs, workload, settings, controller.signal);
    const failureLines = [...new Set(result.failures.map((failure) => redactText(failure.message.replace(/^worker \d+: /, ''))))];
    if (result.failures.length > 0 && result.failures.every((failure) => failure.exitCode === ExitCode.usage) && result.maxThroughput === null) {
      // Rejected before anything was measured (a bad producer property): one line, like any bad input.
      console.error(`stampede: ${failureLines.join('; ')}`);
      return ExitCode.usage;
    }
    await outputs.stop(result);
    for (const line of failureLines) console.error(`stampede: ${line}`);
    return maxExitCode(result);
  } finally {
    offStopSignals();
  }
}

export function maxExitCode(result: MaxResult): number {
  if (result.failures.length > 0) return Math.max(...result.failures.map((failure) => failure.exitCode));
  if (result.status === 'interrupted') return ExitCode.interrupted;
  if (result.status === 'failed') return ExitCode.failure;
  if (result.status === 'no-answer' || result.status === 'not-confirmed') return ExitCode.notValid;
  return ExitCode.ok;
}
