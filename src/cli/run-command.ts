import type { Argv } from 'yargs';
import { readWorkloadFile, resolveWorkload, type RawOptions } from '../options/workload.js';
import { OPTION_SPECS, type OptionSpec } from '../options/schema.js';
import { runWorkload } from '../run/coordinator.js';
import { writeResult } from '../report/json.js';
import { liveLine } from '../report/live.js';
import { renderSummary } from '../report/summary.js';
import { formatCount, formatDurationMs } from '../report/fmt.js';
import { redactText } from '../connection/redact.js';
import { runFleet } from '../fleet/run-fleet.js';
import { instanceDefaults, runInstance } from '../fleet/instance.js';
import { hostLiveLine, renderFleetSummary } from '../report/fleet.js';
import { renderConsumerModes } from '../report/consumer-modes.js';
import { basename } from 'node:path';
import { evaluateThresholds, renderThresholds } from '../report/thresholds.js';
import { MetricsServer } from '../report/metrics-server.js';
import { Progress } from '../report/progress.js';
import type { Workload } from '../options/workload.js';
import type { RunResult } from '../run/result.js';
import { writeReports } from './report-command.js';
import { ExitCode } from './exit-codes.js';
import { BrokerRestart } from '../faults/broker-restart.js';
import { onStopSignals } from './signals.js';

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

  // Checked before anything starts: a fault that cannot be injected here is bad input.
  const brokerRestart = BrokerRestart.resolve(workload);
  const controller = new AbortController();
  // A second signal exits at once, past the finally below: the broker --fault killed is started first.
  const offStopSignals = onStopSignals({
    stop: (signal) => {
      const [what, again] = signal === 'SIGINT' ? ['interrupted', 'Ctrl-C again'] : [`stopped (${signal})`, 'a second signal'];
      console.log(`${what}: stopping producers and waiting for outstanding acks (${again} to quit at once)…`);
      // The broker comes back now, not after the drain: SIGTERM is often followed by SIGKILL (docker stop waits 10 s).
      brokerRestart?.disarm();
      controller.abort();
    },
    restore: () => brokerRestart?.disarm(),
  });
  const metrics = workload.metricsPort === undefined ? undefined : await MetricsServer.start(workload.metricsPort);
  if (metrics) console.log(`metrics: http://0.0.0.0:${metrics.port}/metrics (Prometheus text format)`);
  const progress = workload.records === undefined ? undefined : new Progress({ total: workload.records, unit: 'records acked' });
  try {
    const run = workload.hosts !== undefined ? runFleet : workload.instances !== undefined || workload.instanceId !== undefined ? runInstance : runWorkload;
    const result = await run(workload, {
      signal: controller.signal,
      onHostsConnected: (hosts) => {
        const clocks = hosts.map((host) => `${host.name} ${(host.offsetUs / 1000).toFixed(3)} ± ${(host.uncertaintyUs / 1000).toFixed(3)} ms`).join(', ');
        console.log(`stampede: ${hosts.length} host(s) connected; clock offsets ${clocks}`);
      },
      ...(workload.verbose ? { onHostIntervals: (lines: Parameters<typeof hostLiveLine>[0][]) => lines.forEach((line) => console.log(hostLiveLine(line))) } : {}),
      onNotice: (text) => console.log(`note: ${redactText(text)}`),
      onStart: ({ workers, topic }) => {
        brokerRestart?.arm((text) => console.log(text));
        const length = workload.records === undefined ? `${formatDurationMs(workload.durationMs)} measured` : `${formatCount(workload.records)} records`;
        const warmup = workload.warmupMs > 0 ? ` after ${formatDurationMs(workload.warmupMs)} warmup` : '';
        const rate = workload.rateRecordsPerSec === undefined ? 'max rate' : `${formatCount(workload.rateRecordsPerSec)} rec/s`;
        const target = topic ? ` → ${topic.name} on ${workload.brokers}` : ' → in-process null sink';
        const where = workload.hosts ? ` on ${workload.hosts.length} hosts (${workload.hosts.join(', ')})` : workload.instanceId !== undefined ? ` as instance ${workload.instanceId} of ${workload.instances}` : '';
        console.log(`stampede: ${workers} ${workload.client} worker(s)${where}, ${formatCount(workload.devices)} devices, ${rate}, ${length}${warmup}${target}`);
      },
      onInterval: (row, cumulative) => {
        metrics?.update(row, cumulative);
        if (progress?.tty) progress.log(liveLine(row, workload.records));
        else console.log(liveLine(row, workload.records));
        progress?.update(row.totalAcked);
      },
    });
    progress?.clear();
    metrics?.markDone();
    brokerRestart?.disarm();
    if (brokerRestart) result.faults = brokerRestart.events;
    const failureLines = [...new Set(result.failures.map((failure) => redactText(failure.message.replace(/^worker \d+: /, ''))))];
    const badInputOnly = result.failures.length > 0 && result.failures.every((failure) => failure.exitCode === 2) && result.totals.sent === 0;
    if (badInputOnly) {
      // Rejected before anything was sent (a bad producer property): one line, like any bad input.
      console.error(`stampede: ${failureLines.join('; ')}`);
      return 2;
    }
    if (workload.thresholds.length > 0) result.thresholds = evaluateThresholds(result, workload.thresholds);
    console.log(renderSummary(result));
    for (const line of renderFleetSummary(result)) console.log(line);
    for (const line of renderConsumerModes(result)) console.log(line);
    if (result.thresholds) console.log(`\n${renderThresholds(result.thresholds)}`);
    const out = writeResult(result, workload.out);
    console.log(`\nresult: ${out}`);
    for (const line of writeRunReports(result, workload, out)) console.log(line);
    for (const line of failureLines) console.error(`stampede: ${line}`);
    return runExitCode(result);
  } finally {
    brokerRestart?.disarm();
    offStopSignals();
    await metrics?.close();
  }
}

/** --html, --hgrm, --csv of this run; a bare --html goes beside the JSON result. */
function writeRunReports(result: RunResult, workload: Workload, out: string): string[] {
  const html = workload.html === '' ? out.replace(/\.json$/i, '') + '.html' : workload.html;
  if (html === undefined && workload.hgrm === undefined && workload.csv === undefined) return [];
  return writeReports([{ kind: 'run', file: out, label: basename(out).replace(/\.json$/i, ''), result }], { html, hgrm: workload.hgrm, csv: workload.csv });
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
