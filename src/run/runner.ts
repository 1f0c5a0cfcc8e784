import { StampedeError } from '../errors.js';
import { evaluateThresholds } from '../verdicts/thresholds.js';
import { judgeKnee, levelThresholds } from '../verdicts/knee.js';
import { EndToEndConsumers } from '../consume/e2e-group.js';
import type { IntervalRow, RunResult } from '../contracts/result.js';
import { kTestFaultVariable, testCrashFrom, type TestCrash } from '../contracts/test-crash.js';
import { ackLogFrom, kAckLogVariable } from '../clients/ack-log.js';
import type { Workload } from '../options/workload-shape.js';
import type { Shard } from '../plan/shard.js';
import type { StageResult } from '../contracts/stage.js';
import { generatedModelOf } from '../options/model.js';
import type { ModelSpec } from '../models/spec.js';
import type { SnapshotSource } from '../sources/types.js';
import { assembleResult } from './assemble.js';
import { fleetDeployment, type FleetHooks } from './deployments/fleet.js';
import { instanceDeployment } from './deployments/instance.js';
import { localDeployment } from './deployments/local.js';
import type { Deployment } from './deployments/types.js';
import { consumerModeOptions, consumerModes } from './modes/consumer-modes.js';
import { prepareRun, type Prepared } from './prepare.js';
import { sampleRun, type CumulativeSnapshots } from './sample.js';
import { ObservedStages } from './stages.js';
import { FaultTimeline } from './fault-timeline.js';

export interface RunHooks extends FleetHooks {
  onNotice?(text: string): void;
  /** --fault: what was done to the broker, as it is done */
  onFault?(text: string): void;
  onStart?(info: { workers: number; topic: RunResult['topic'] }): void;
  /** `cumulative` is optional to read: what /metrics needs beyond the row */
  onInterval?(row: IntervalRow, cumulative: CumulativeSnapshots): void;
  /** Aborting stops producing, drains, and still returns what was measured. */
  signal?: AbortSignal;
}

/** Threads here, agents on --hosts, or one --instance-id slice: chosen by the workload alone. */
function deploymentFor(workload: Workload, hooks: RunHooks, notice: (text: string) => void): Promise<Deployment> | Deployment {
  if (workload.hosts !== undefined) return fleetDeployment(workload, hooks, notice);
  if (workload.instances !== undefined || workload.instanceId !== undefined) return instanceDeployment(workload, notice);
  return localDeployment(workload);
}

/**
 * One run, wherever its producers run, as four phases: prepare (connection, plan, topic) → start
 * (e2e consumers, then the producers of the deployment) → sample (barrier, intervals, drain) →
 * assemble (the result every reporter reads).
 */
export async function runWorkload(workload: Workload, hooks: RunHooks = {}): Promise<RunResult> {
  const notices: string[] = [];
  const notice = (text: string): void => {
    notices.push(text);
    hooks.onNotice?.(text);
  };
  // Checked before anything starts: a fault that cannot be injected here is bad input.
  const faults = FaultTimeline.resolve(workload);
  const crash = testCrashFrom(process.env);
  if (crash) notice(`test hook $${kTestFaultVariable} is set: ${crash.role} thread ${crash.index} will ${crash.how === 'exit' ? 'exit' : 'throw'} ${crash.afterMs} ms in`);
  const ackLog = workload.client === 'node-rdkafka' ? ackLogFrom(process.env) : undefined;
  if (ackLog) notice(`test hook $${kAckLogVariable} is set: every produce→ack latency goes to ${ackLog.path}`);
  const deployment = await deploymentFor(workload, hooks, notice);
  let producers: SnapshotSource | undefined;
  let stages: ObservedStages | undefined;
  // The run's own stop: the user's signal, or a stage whose records carry no trace.
  const stopRun = linkedAbort(hooks.signal);
  // A stopped run brings the broker back now, not after the drain: SIGTERM is often followed by SIGKILL.
  const endFaults = (): void => void faults?.disarm();
  hooks.signal?.addEventListener('abort', endFaults);
  try {
    const whole = await prepareRun(workload, notice);
    const plan = deployment.plan(whole);
    const prepared = { ...whole, plan, workers: plan.length };
    const e2e = workload.e2e ? await startEndToEnd(workload, prepared, deployment.e2eNotices, notice, crash) : undefined;
    stages = workload.stages.length > 0 ? await startStages(workload, prepared, notice) : undefined;
    const onStageInterval = stages?.intervalHook(() => stopRun.controller.abort());
    producers = await deployment.start(prepared, plan, crash);
    const modes = e2e ? consumerModes(workload, prepared.topic!.partitions, producers, e2e, notice) : undefined;
    const cpuAtStart = process.cpuUsage();
    const sampled = await sampleRun(producers, e2e, workload, {
      signal: stopRun.controller.signal,
      onStart: () => {
        faults?.arm((text) => hooks.onFault?.(text));
        hooks.onStart?.({ workers: prepared.workers, topic: prepared.topic });
        modes?.start();
      },
      onThreadFailed: notice,
      onInterval: (row, cumulative) => {
        onStageInterval?.(row);
        hooks.onInterval?.(row, stages ? { ...cumulative, stages: stages.readSoFar() } : cumulative);
        deployment.afterInterval?.();
      },
    });
    const cpu = process.cpuUsage(cpuAtStart);
    await faults?.disarm();
    const aborted = workload.transactional ? sampled.outcomes.map((outcome) => outcome.transactions?.abortedRanges) : undefined;
    const endToEnd = e2e ? e2e.report(sampled.consumerOutcomes, prepared.topic!.partitions, plan, producers.sentPerShard(), aborted) : null;
    const stageResults = stages ? await finishStages(stages, sampled.final.counters.acked, workload.drainMs, plan, producers.sentPerShard(), sampled.durationMs) : undefined;
    const publishDelays = workload.rateRecordsPerSec === undefined ? null : producers.publishDelays();
    const result = assembleResult({ workload, prepared, sampled, publishDelays, endToEnd, notices });
    modes?.finish(result);
    if (stageResults) result.stages = stageResults;
    faults?.attach(result, sampled.durationMs, sampled.outcomes.map((outcome) => outcome.errorCodeTimeline));
    if (workload.thresholds.length > 0) result.thresholds = evaluateThresholds(result, workload.thresholds);
    if (workload.thresholds.length > 0 && result.levels && result.levels.length > 0) judgeLevels(result, workload.thresholds);
    return deployment.finish(result, { sampled, coordinatorCpuMicros: cpu.user + cpu.system });
  } finally {
    // A broker still down when the run ends early is started again before anything else, a node still cut off healed.
    await faults?.disarm();
    hooks.signal?.removeEventListener('abort', endFaults);
    stopRun.dispose();
    await stages?.close();
    if (producers) await producers.close();
    else await deployment.abandon();
  }
}

/** A model run's model and seed, for the consumers' identity reading and expected counts. */
function modelRunOf(workload: Workload, prepared: Prepared): { spec: ModelSpec; seed: number; valueSchema?: unknown } | undefined {
  const spec = generatedModelOf(workload);
  return spec ? { spec, seed: workload.seed, ...(prepared.valueSchema === undefined ? {} : { valueSchema: prepared.valueSchema }) } : undefined;
}

/** Each level on the thresholds it can be judged on alone, and the knee they show. */
function judgeLevels(result: RunResult, thresholds: Workload['thresholds']): void {
  for (const level of result.levels!) level.thresholds = levelThresholds(level, thresholds);
  result.knee = judgeKnee(result.levels!);
}

/**
 * The --e2e consumer group, joined before any producer sends, with the run's connection settings:
 * the passthrough stage on the produced topic itself (the same group class as startStages', the
 * same fold of its members' reads), reading stampede's own records, so it also knows device
 * models, aborted transactions and the consumer modes.
 */
async function startEndToEnd(workload: Workload, prepared: Prepared, where: readonly string[], notice: (text: string) => void, crash: TestCrash | undefined): Promise<EndToEndConsumers> {
  const { topic, connection } = prepared;
  if (topic === null || connection === null) throw new StampedeError('E_OPTION', '--e2e needs records on a broker: use --client native or node-rdkafka, not null');
  const consumers = Math.min(workload.consumers, topic.partitions);
  if (consumers < workload.consumers) notice(`${workload.consumers} consumers for ${topic.partitions} partitions: using ${consumers}, one partition at least each`);
  for (const text of where) notice(text);
  // librdkafka's default is read_committed already; said explicitly, as the aborted-read check relies on it.
  const isolation: Record<string, string> = workload.transactional ? { 'isolation.level': 'read_committed' } : {};
  return EndToEndConsumers.start({ topic: topic.name, partitions: topic.partitions, consumers, format: workload.format, model: modelRunOf(workload, prepared), librdkafka: { ...connection.settings, ...isolation }, crash, ...consumerModeOptions(workload, topic.partitions, consumers) });
}

/** The --observe stages' consumer groups, joined before any producer sends, with the run's connection settings. */
async function startStages(workload: Workload, prepared: Prepared, notice: (text: string) => void): Promise<ObservedStages> {
  const { topic, connection } = prepared;
  if (topic === null || connection === null) throw new StampedeError('E_OPTION', '--observe needs records on a broker: use --client native or node-rdkafka, not null');
  if (workload.hosts !== undefined) notice('with --hosts, observed stages are read on this (the coordinator\'s) host: their latency compares each agent\'s clock (the trace\'s send time) with this one, within the measured clock-offset bound');
  const first = Math.min(...prepared.plan.map((shard) => shard.firstDevice));
  const count = prepared.plan.reduce((sum, shard) => sum + shard.deviceCount, 0);
  return ObservedStages.start(workload, connection, topic.name, { first, count }, notice);
}

/** A stage whose trace cannot be read stops the run with its one line; else every stage drains and reports. */
async function finishStages(stages: ObservedStages, ackedRecords: number, drainMs: number, plan: Shard[], sentPerShard: number[], durationMs: number): Promise<StageResult[]> {
  const fatal = stages.fatal();
  if (fatal) throw fatal;
  await stages.drain(ackedRecords, drainMs);
  const late = stages.fatal();
  if (late) throw late;
  return stages.report(plan, sentPerShard, ackedRecords, durationMs);
}

/** An AbortController that also aborts when `signal` does; dispose() stops listening. */
function linkedAbort(signal: AbortSignal | undefined): { controller: AbortController; dispose(): void } {
  const controller = new AbortController();
  const forward = (): void => controller.abort();
  signal?.addEventListener('abort', forward);
  if (signal?.aborted) controller.abort();
  return { controller, dispose: () => signal?.removeEventListener('abort', forward) };
}
