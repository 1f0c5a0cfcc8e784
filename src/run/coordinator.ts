import { Piscina } from 'piscina';
import { pathToFileURL } from 'node:url';
import { librdkafkaVersionOf, MAIN_THREAD_CLIENTS } from '../clients/create.js';
import { librdkafkaSettings } from '../clients/librdkafka-settings.js';
import { diffSnapshots, encodeHdr, negativeValues, summarize, toHdrHistogram, zeroSnapshot } from '../histogram/merge.js';
import { ensureTopic, parseBrokers } from '../kafka/admin.js';
import type { Workload } from '../options/workload.js';
import { producerWorkerFile } from '../paths.js';
import { planShards } from '../plan/shard.js';
import { hostFacts, runtimeName, runtimeVersion, wallClockUs } from '../runtime.js';
import { kControlSlots, kGoFlagSlot, kGoOffsetUsSlot, kReadyCountSlot, kStopFlagSlot, regionBytesFor } from '../shared/layout.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IntervalRow, RunPhase, RunResult, WorkerFailure } from './result.js';
import { readAllRegions } from './snapshots.js';
import type { ProducerTask, ProducerTaskResult } from './task.js';
import type { ConsumerTaskResult } from './consumer-task.js';
import { EndToEndConsumers } from './e2e.js';
import { StampedeError } from '../errors.js';
import { readRegion, type RegionSnapshot } from '../shared/region.js';
import { toolVersion } from '../version.js';
import { judgeValidity } from './validity.js';
import { scheduledRecordsPerSec, windowEndMs } from './window.js';

const kAdminTimeoutMs = 10_000;
const kFlushTimeoutMs = 30_000;
const kReadyTimeoutMs = 30_000; // thread start-up plus client connection

export interface RunHooks {
  onNotice?(text: string): void;
  onStart?(info: { workers: number; topic: RunResult['topic'] }): void;
  onInterval?(row: IntervalRow): void;
  /** Aborting stops producing, drains, and still returns what was measured. */
  signal?: AbortSignal;
}

export async function runWorkload(workload: Workload, hooks: RunHooks = {}): Promise<RunResult> {
  const notices: string[] = [];
  const notice = (text: string): void => {
    notices.push(text);
    hooks.onNotice?.(text);
  };

  let workers = workload.workers;
  // node-rdkafka is not context-aware and dispatches delivery reports on the process's main loop:
  // in a worker thread it aborts V8 ("Entering the V8 API without proper locking"), so it produces
  // from the main thread, and only from one.
  const inline = MAIN_THREAD_CLIENTS.has(workload.client);
  if (inline) workers = 1;
  const plan = planShards({ firstDevice: 0, devices: workload.devices, parts: workers, records: workload.records, rateRecordsPerSec: workload.rateRecordsPerSec });
  const librdkafka = workload.client === 'null' ? {} : librdkafkaSettings(workload.profile, workload.producerProps, workload.brokers);

  let topic: RunResult['topic'] = null;
  if (workload.client !== 'null') {
    const brokers = parseBrokers(workload.brokers);
    // Also the reachability check: an unreachable broker fails here, within kAdminTimeoutMs.
    const ensured = await ensureTopic(brokers, { topic: workload.topic, partitions: workload.partitions, timeoutMs: kAdminTimeoutMs });
    topic = { name: workload.topic, partitions: ensured.partitions, created: ensured.created };
    if (!ensured.created && ensured.partitions !== workload.partitions) {
      notice(`topic ${workload.topic} already exists with ${ensured.partitions} partitions; --partitions ${workload.partitions} applies only when it is created`);
    }
  }

  if (inline) {
    notice(
      `${workload.client} is not context-aware and must run on the main thread: this run uses 1 producer thread` +
        (workload.workers > 1 ? ` instead of ${workload.workers}` : ''),
    );
  }

  let e2e: EndToEndConsumers | undefined;
  if (workload.e2e) {
    if (workload.client === 'null' || topic === null) throw new StampedeError('E_OPTION', '--e2e needs records on a broker: use --client native or node-rdkafka, not null');
    const consumers = Math.min(workload.consumers, topic.partitions);
    if (consumers < workload.consumers) notice(`${workload.consumers} consumers for ${topic.partitions} partitions: using ${consumers}, one partition at least each`);
    if (workload.client !== 'native') notice('end-to-end consumers use the native client (node-rdkafka runs only on the main thread, beside its producer)');
    notice('end-to-end latency compares clocks of the producing and consuming hosts: across hosts it needs synchronised clocks (same host here)');
    e2e = await EndToEndConsumers.start({
      topic: topic.name,
      partitions: topic.partitions,
      consumers,
      format: workload.format,
      librdkafka: { 'bootstrap.servers': workload.brokers, 'client.id': 'stampede-e2e' },
    });
  }

  const regions = new SharedArrayBuffer(regionBytesFor(workers));
  const publishDelays = new SharedArrayBuffer(regionBytesFor(workers));
  const control = new SharedArrayBuffer(kControlSlots * Int32Array.BYTES_PER_ELEMENT);
  const controlSlots = new Int32Array(control); // slots named in layout.ts
  const pool = inline ? undefined : new Piscina({ filename: producerWorkerFile, minThreads: workers, maxThreads: workers, concurrentTasksPerWorker: 1, idleTimeout: 60_000 });
  const produceInline = inline ? ((await import(pathToFileURL(producerWorkerFile).href)) as { default: (task: ProducerTask) => Promise<ProducerTaskResult> }).default : undefined;
  const controlBaseWallUs = Math.round(wallClockUs());
  const results: Promise<ProducerTaskResult>[] = plan.map((shard) => {
    const task: ProducerTask = {
      shard,
      client: workload.client,
      topic: workload.topic,
      librdkafka,
      format: workload.format,
      recordSizeBytes: workload.recordSizeBytes,
      batchRecords: workload.batchRecords,
      seed: workload.seed,
      arrival: workload.arrival,
      trackLatency: workload.trackLatency,
      stall: workload.stall,
      publishDelays,
      flushTimeoutMs: kFlushTimeoutMs,
      regions,
      control,
      controlBaseWallUs,
    };
    return pool ? (pool.run(task) as Promise<ProducerTaskResult>) : produceInline!(task);
  });

  // Every worker connects first; the clock starts when all are ready (or one has already ended).
  let settled = 0;
  for (const result of results) void result.then(() => settled++);
  const readyBy = Date.now() + kReadyTimeoutMs;
  while (Atomics.load(controlSlots, kReadyCountSlot) + settled < workers && Date.now() < readyBy && !hooks.signal?.aborted) await sleep(2);
  const startedAt = new Date();
  const startedAtMs = performance.now();
  Atomics.store(controlSlots, kGoOffsetUsSlot, Math.round(wallClockUs()) - controlBaseWallUs);
  Atomics.store(controlSlots, kGoFlagSlot, 1);
  hooks.onStart?.({ workers, topic });

  let status: RunResult['status'] = 'ok';
  const stop = (why: RunResult['status']): void => {
    if (Atomics.load(controlSlots, kStopFlagSlot) === 1) return;
    if (why !== 'ok') status = why;
    Atomics.store(controlSlots, kStopFlagSlot, 1);
  };
  const onAbort = (): void => stop('interrupted');
  hooks.signal?.addEventListener('abort', onAbort);
  if (hooks.signal?.aborted) onAbort();

  const failures: WorkerFailure[] = [];
  let baseline: RegionSnapshot | undefined;
  let measuredFromMs = startedAtMs;
  let previous = readAllRegions(regions, workers);
  let previousConsumed = e2e?.snapshot();
  let previousAtMs = startedAtMs;
  const intervals: IntervalRow[] = [];

  let producersDone = false;
  const tick = (): void => {
    const nowMs = performance.now();
    const current = readAllRegions(regions, workers);
    const stopping = Atomics.load(controlSlots, kStopFlagSlot) === 1 || producersDone;
    const phase: RunPhase = stopping ? 'drain' : baseline === undefined ? 'warmup' : 'measure';
    const row = intervalRow(diffSnapshots(current, previous), current, nowMs - previousAtMs, nowMs - startedAtMs, phase);
    if (e2e && previousConsumed) {
      const consumed = e2e.snapshot();
      addConsumerColumns(row, diffSnapshots(consumed, previousConsumed), consumed, current, nowMs - previousAtMs);
      previousConsumed = consumed;
    }
    intervals.push(row);
    hooks.onInterval?.(row);
    previous = current;
    previousAtMs = nowMs;
  };
  const timer = setInterval(tick, workload.intervalMs);
  // The measured window opens with its own snapshot when warmup ends, and a timed run's clock
  // starts from that moment, so the window is never shorter than --duration.
  let stopTimer: NodeJS.Timeout | undefined;
  const startMeasuring = (atGo: boolean): void => {
    // Without warmup everything since go counts: nothing was sent before it.
    baseline = atGo ? zeroSnapshot() : readAllRegions(regions, workers);
    measuredFromMs = atGo ? startedAtMs : performance.now();
    if (workload.records === undefined) stopTimer = setTimeout(() => stop('ok'), workload.durationMs - (performance.now() - measuredFromMs));
  };
  const warmupTimer = workload.warmupMs > 0 ? setTimeout(() => startMeasuring(false), workload.warmupMs) : undefined;
  if (warmupTimer === undefined) startMeasuring(true);
  // A counted run is bounded by --timeout, warmup included.
  const timeoutTimer = workload.records === undefined ? undefined : setTimeout(() => stop('timed-out'), workload.timeoutMs);

  let outcomes: ProducerTaskResult[];
  let consumerOutcomes: ConsumerTaskResult[] = [];
  let poolDestroyed = false;
  const destroyPool = async (): Promise<void> => {
    if (pool && !poolDestroyed) await pool.destroy();
    poolDestroyed = true;
  };
  // The producers' window ends with their last ack, not after the consumers' drain.
  let finishedAtMs: number;
  let final: RegionSnapshot;
  try {
    outcomes = await Promise.all(results);
    producersDone = true;
    finishedAtMs = windowEndMs(outcomes, performance.now(), wallClockUs());
    final = readAllRegions(regions, workers);
    await destroyPool();
    // Consumers catch up on the last acked records (ticks go on, as drain rows), then stop.
    if (e2e) consumerOutcomes = await e2e.drain(final.counters.acked, workload.drainMs);
  } finally {
    clearInterval(timer);
    clearTimeout(stopTimer);
    clearTimeout(warmupTimer);
    clearTimeout(timeoutTimer);
    hooks.signal?.removeEventListener('abort', onAbort);
    await destroyPool();
  }
  const endToEnd = e2e ? e2e.report(consumerOutcomes, topic!.partitions, plan, plan.map((shard) => readRegion(regions, shard.index).counters.sent)) : null;
  consumerOutcomes.forEach((outcome, consumer) => {
    if (!outcome.ok) failures.push({ worker: consumer, code: outcome.code, message: outcome.message, exitCode: outcome.exitCode });
  });
  if (previousAtMs < finishedAtMs - 1 && final.counters.acked + final.counters.failed > previous.counters.acked + previous.counters.failed) {
    const row = intervalRow(diffSnapshots(final, previous), final, finishedAtMs - previousAtMs, finishedAtMs - startedAtMs, 'drain');
    // A run shorter than one interval still reports its consumers (after their drain).
    if (e2e && previousConsumed) {
      const consumed = e2e.snapshot();
      addConsumerColumns(row, diffSnapshots(consumed, previousConsumed), consumed, final, finishedAtMs - previousAtMs);
    }
    intervals.push(row);
    hooks.onInterval?.(row);
  }

  outcomes.forEach((outcome, worker) => {
    if (!outcome.ok) failures.push({ worker, code: outcome.code, message: outcome.message, exitCode: outcome.exitCode });
  });
  if (failures.length > 0) status = 'failed';
  else if (endToEnd && (endToEnd.integrity.lost > 0 || endToEnd.integrity.duplicates > 0)) status = 'integrity-failed';

  // A run that ended before its warmup did is measured from the start rather than not at all.
  const measured = diffSnapshots(final, baseline ?? zeroSnapshot());
  const durationMs = Math.max(1, finishedAtMs - (baseline === undefined ? startedAtMs : measuredFromMs));
  const histogram = toHdrHistogram(measured.counts);
  const publishDelay = workload.rateRecordsPerSec === undefined ? null : publishDelaySummary(publishDelays, workers);
  const recordsPerSec = round1(measured.counters.acked / (durationMs / 1000));
  const validity = judgeValidity({
    askedRecordsPerSec: workload.rateRecordsPerSec,
    achievedRecordsPerSec: recordsPerSec,
    scheduledRecordsPerSec: scheduledRecordsPerSec(outcomes),
    blockedMicros: final.counters.blockedMicros,
    publishDelay,
    maxPublishDelayUs: workload.maxPublishDelayUs,
  });
  if (!validity.valid) status = status === 'ok' ? 'not-valid' : status;
  return {
    schemaVersion: 1,
    tool: { name: 'stampede', version: toolVersion },
    status,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    notices,
    failures,
    workload: { ...workload, effectiveWorkers: workers },
    plan,
    librdkafka,
    librdkafkaVersion: librdkafkaVersionOf(workload.client),
    topic,
    runtime: { name: runtimeName(), version: runtimeVersion() },
    host: hostFacts(),
    totals: {
      sent: final.counters.sent,
      acked: final.counters.acked,
      errors: final.counters.failed,
      backpressureWaits: final.counters.backpressureWaits,
      blockedMicros: Math.round(final.counters.blockedMicros),
      sendMicros: Math.round(final.counters.sendMicros),
      durationMs: Math.round(durationMs),
      measuredAcked: measured.counters.acked,
      recordsPerSec,
      mbPerSec: round3(measured.counters.ackedBytes / 1e6 / (durationMs / 1000)),
    },
    latency: {
      produceAck: {
        ...summarize(histogram),
        unit: 'us',
        measuredFrom: workload.rateRecordsPerSec === undefined ? 'send' : 'intended-send',
        clamped: measured.counters.clampedLatencies,
        negative: negativeValues(measured.counters),
        hdr: encodeHdr(histogram),
      },
      publishDelay,
      endToEnd: endToEnd?.endToEnd ?? null,
    },
    integrity: endToEnd ? { ...endToEnd.integrity, consumers: endToEnd.consumers, groupId: endToEnd.groupId } : null,
    partitions: endToEnd?.partitions ?? null,
    validity,
    intervals,
  };
}

function intervalRow(delta: RegionSnapshot, total: RegionSnapshot, spanMs: number, elapsedMs: number, phase: RunPhase): IntervalRow {
  const seconds = Math.max(spanMs, 1) / 1000;
  const summary = summarize(toHdrHistogram(delta.counts));
  return {
    elapsedMs: Math.round(elapsedMs),
    phase,
    recordsPerSec: round1(delta.counters.acked / seconds),
    mbPerSec: round3(delta.counters.ackedBytes / 1e6 / seconds),
    p50Us: summary.p50,
    p99Us: summary.p99,
    maxUs: summary.max,
    errors: delta.counters.failed,
    backpressureWaits: delta.counters.backpressureWaits,
    totalSent: total.counters.sent,
    totalAcked: total.counters.acked,
  };
}

/** Intended → actual send, merged over workers and the whole run (warmup included: a stall is a stall). */
function publishDelaySummary(publishDelays: SharedArrayBuffer, workers: number): RunResult['latency']['publishDelay'] {
  const merged = readAllRegions(publishDelays, workers);
  const histogram = toHdrHistogram(merged.counts);
  return { ...summarize(histogram), unit: 'us', negative: negativeValues(merged.counters), hdr: encodeHdr(histogram) };
}

function addConsumerColumns(row: IntervalRow, delta: RegionSnapshot, consumed: RegionSnapshot, produced: RegionSnapshot, spanMs: number): void {
  row.consumedPerSec = round1(delta.counters.acked / (Math.max(spanMs, 1) / 1000));
  row.lagRecords = Math.max(0, produced.counters.acked - consumed.counters.acked);
  row.e2eP99Us = summarize(toHdrHistogram(delta.counts)).p99;
}

const round1 = (value: number): number => Math.round(value * 10) / 10;
const round3 = (value: number): number => Math.round(value * 1000) / 1000;
