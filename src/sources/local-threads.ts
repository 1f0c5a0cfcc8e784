import { randomBytes } from 'node:crypto';
import { Piscina } from 'piscina';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { producerWorkerFile } from '../paths.js';
import type { Shard } from '../plan/shard.js';
import { warmupRecordsPerSec } from '../options/schedule.js';
import { readAllRegions } from '../histogram/snapshots.js';
import type { ProducerTask, ProducerTaskResult } from '../contracts/producer-task.js';
import { kBackpressureSlot, kControlSlots, kGoFlagSlot, kGoOffsetUsSlot, kReadyCountSlot, kRegionSlots, kStopFlagSlot, kThreadCpuUsSlot, kThreadRunQueueUsSlot, kThreadStatSlots, regionBytesFor } from '../shared/layout.js';
import { wallClockUs } from '../runtime.js';
import { fitBatch } from '../options/batch-budget.js';
import { readRegion, type RegionSnapshot } from '../shared/region.js';
import type { SnapshotSource, ThreadStats } from './types.js';
import type { TestCrash } from '../contracts/test-crash.js';
import type { Workload } from '../options/workload-shape.js';
import { generatedModelOf } from '../options/model.js';

/** What every producer task of a run shares; the per-thread parts (shard, shared memory) are added here. */
export type ProducerTaskTemplate = Omit<ProducerTask, 'shard' | 'regions' | 'publishDelays' | 'control' | 'controlBaseWallUs'>;

/**
 * Time a producer waits for its last acks once it stops sending, at least: --drain raises it, so a
 * run stopped while its broker restarts (a JVM start and a session expiry, slower on a busy host)
 * can wait for those acks as long as it lets its consumers catch up.
 */
const kMinFlushTimeoutMs = 30_000;

/** What a producer thread's task takes of the workload: the client, the records, the schedule's law, the faults it injects, transactions, the drain. */
export type ProducerTaskInput = Pick<Workload, 'client' | 'topic' | 'format' | 'model' | 'valueSchema' | 'recordSizeBytes' | 'keys' | 'batchRecords' | 'seed' | 'arrival' | 'loadSchedule' | 'warmupMs' | 'rateRecordsPerSec' | 'trackLatency' | 'stall' | 'transactional' | 'transactionRecords' | 'transactionMs' | 'abortRate' | 'traceRunId' | 'drainMs'>;

/** What every producer thread of a run is given, from its workload and librdkafka settings (local runs and fleet agents alike). */
export function producerTaskTemplate(workload: ProducerTaskInput, librdkafka: Record<string, string>): ProducerTaskTemplate {
  return {
    client: workload.client,
    topic: workload.topic,
    librdkafka,
    format: workload.format,
    recordSizeBytes: workload.recordSizeBytes,
    ...(generatedModelOf(workload) ? { model: generatedModelOf(workload)! } : {}),
    ...(workload.valueSchema === undefined ? {} : { valueSchema: workload.valueSchema }),
    keys: workload.keys,
    // Within the per-worker memory budget (prepareRun says so when it lowers --batch).
    batchRecords: fitBatch(workload).batchRecords,
    seed: workload.seed,
    arrival: workload.arrival,
    ...(workload.loadSchedule === undefined
      ? {}
      : { loadSchedule: { segments: workload.loadSchedule.segments, warmupMs: workload.warmupMs, warmupRecordsPerSec: warmupRecordsPerSec(workload.loadSchedule), peakRecordsPerSec: workload.rateRecordsPerSec! } }),
    trackLatency: workload.trackLatency,
    stall: workload.stall,
    flushTimeoutMs: Math.max(kMinFlushTimeoutMs, workload.drainMs),
    ...(workload.traceRunId === undefined ? {} : { traceRunId: workload.traceRunId }),
    // A fresh nonce per run: transactional.ids of two runs never fence each other.
    ...(workload.transactional ? { transactions: { runNonce: randomBytes(6).toString('hex'), records: workload.transactionRecords, ms: workload.transactionMs, abortRate: workload.abortRate } } : {}),
  };
}

/**
 * Producers in this process: one worker thread per shard (Piscina), or the main thread for a
 * client that must run there (node-rdkafka). Each writes its own region of shared memory; a
 * snapshot reads and merges them, with no message per interval.
 */
export class LocalThreads implements SnapshotSource {
  readonly workers: number;
  readonly finished: Promise<ProducerTaskResult[]>;
  private readonly regions: SharedArrayBuffer;
  private readonly publishDelayRegions: SharedArrayBuffer;
  private readonly threadCpu: Float64Array;
  private readonly control: Int32Array;
  private readonly pool: Piscina | undefined;
  private settled = 0;
  /** Wall clock the go offset is counted from: an Int32 slot holds µs since then, not an epoch. */
  private readonly controlBaseWallUs = Math.round(wallClockUs());
  private closed = false;
  private readonly failed: { worker: number; message: string }[] = [];

  private constructor(plan: readonly Shard[], template: ProducerTaskTemplate, run: ((task: ProducerTask) => Promise<ProducerTaskResult>) | undefined, crash: TestCrash | undefined) {
    this.workers = plan.length;
    this.regions = new SharedArrayBuffer(regionBytesFor(this.workers));
    this.publishDelayRegions = new SharedArrayBuffer(regionBytesFor(this.workers));
    const threadStats = new SharedArrayBuffer(this.workers * kThreadStatSlots * Float64Array.BYTES_PER_ELEMENT);
    this.threadCpu = new Float64Array(threadStats).fill(-1);
    const controlBuffer = new SharedArrayBuffer(kControlSlots * Int32Array.BYTES_PER_ELEMENT);
    this.control = new Int32Array(controlBuffer); // slots named in layout.ts
    this.pool = run ? undefined : new Piscina({ filename: producerWorkerFile, minThreads: this.workers, maxThreads: this.workers, concurrentTasksPerWorker: 1, idleTimeout: 60_000 });
    const results = plan.map((shard) => {
      const task: ProducerTask = { ...template, shard, regions: this.regions, publishDelays: this.publishDelayRegions, threadStats, control: controlBuffer, controlBaseWallUs: this.controlBaseWallUs };
      if (crash?.role === 'producer' && crash.index === shard.index) task.crash = crash;
      const ran = run ? run(task) : (this.pool!.run(task) as Promise<ProducerTaskResult>);
      // A thread that exits or dies outside the task's own catch rejects here: a failure like any other.
      const result = ran.catch((err: unknown): ProducerTaskResult => ({
        ok: false,
        sent: readRegion(this.regions, shard.index).counters.sent,
        code: 'E_WORKER',
        message: `worker ${shard.index}: its thread ended without a result (${(err as Error)?.message ?? String(err)})`,
        exitCode: 1,
      }));
      void result.then((outcome) => {
        this.settled++;
        if (!outcome.ok) this.failed.push({ worker: shard.index, message: outcome.message });
      });
      return result;
    });
    this.finished = Promise.all(results);
  }

  /** Starts one producer per shard; `inline` runs the single shard on this thread. */
  static async start(plan: readonly Shard[], template: ProducerTaskTemplate, inline: boolean, crash?: TestCrash): Promise<LocalThreads> {
    const run = inline ? ((await import(pathToFileURL(producerWorkerFile).href)) as { default: (task: ProducerTask) => Promise<ProducerTaskResult> }).default : undefined;
    return new LocalThreads(plan, template, run, crash);
  }

  failedSoFar(): readonly { worker: number; message: string }[] {
    return this.failed;
  }

  async ready(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const readyBy = Date.now() + timeoutMs;
    while (Atomics.load(this.control, kReadyCountSlot) + this.settled < this.workers && Date.now() < readyBy && !signal?.aborted) await sleep(2);
  }

  go(): void {
    // Every worker's arrival schedule starts from this one instant, not from when it noticed go.
    Atomics.store(this.control, kGoOffsetUsSlot, Math.round(wallClockUs()) - this.controlBaseWallUs);
    Atomics.store(this.control, kGoFlagSlot, 1);
  }

  stop(): void {
    Atomics.store(this.control, kStopFlagSlot, 1);
  }

  get stopping(): boolean {
    return Atomics.load(this.control, kStopFlagSlot) === 1;
  }

  snapshot(): RegionSnapshot {
    return readAllRegions(this.regions, this.workers);
  }

  publishDelays(): RegionSnapshot {
    return readAllRegions(this.publishDelayRegions, this.workers);
  }

  threadStats(): ThreadStats {
    const regions = new Float64Array(this.regions);
    return {
      cpuUs: Array.from({ length: this.workers }, (_, index) => this.threadCpu[index * kThreadStatSlots + kThreadCpuUsSlot]!),
      runQueueUs: Array.from({ length: this.workers }, (_, index) => this.threadCpu[index * kThreadStatSlots + kThreadRunQueueUsSlot]!),
      queueFullWaits: Array.from({ length: this.workers }, (_, index) => regions[index * kRegionSlots + kBackpressureSlot]!),
    };
  }

  sentPerShard(): number[] {
    return Array.from({ length: this.workers }, (_, index) => readRegion(this.regions, index).counters.sent);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool?.destroy();
  }
}
