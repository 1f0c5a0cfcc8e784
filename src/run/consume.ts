import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Piscina } from 'piscina';
import { withClusterAdmin } from '../clients/admin.js';
import { kConsumerDefaults } from '../clients/native-consumer.js';
import { resolveConnection } from '../connection/config.js';
import { StampedeError } from '../errors.js';
import { diffSnapshots, encodeHdr, summarize, toHdrHistogram, zeroSnapshot, type LatencySummary } from '../histogram/merge.js';
import { loadNative } from '../native/load.js';
import type { ConsumeWorkload } from '../options/consume-schema.js';
import { readerWorkerFile } from '../paths.js';
import { hostFacts, runtimeName, runtimeVersion, type HostFacts } from '../runtime.js';
import { kConsumerAssignedBase, kConsumerControlSlots, kConsumerReadyBase, kConsumerStopSlot, kReaderJoinMsSlot, kReaderLagSlot, kReaderStatSlots, regionBytesFor } from '../shared/layout.js';
import type { RegionSnapshot } from '../shared/region.js';
import { toolVersion } from '../version.js';
import { SequenceTracker, type IntegritySummary } from '../verify/sequence-tracker.js';
import { partitionBalance } from '../verify/sink.js';
import type { ReaderTask, ReaderTaskResult } from '../contracts/reader-task.js';
import type { WorkerFailure } from '../contracts/result.js';
import { round1, round3 } from './sample.js';
import { readAckedTotals, readAllRegions } from '../histogram/snapshots.js';
import { FullTimeout } from './full-timeout.js';

const kJoinTimeoutMs = 45_000;
const kStopCheckMs = 20;

/** One interval of a consume run: rates in that interval alone, lag and totals at its end. */
export interface ConsumeIntervalRow {
  elapsedMs: number;
  /** join: the group does not cover every partition yet (its first members already read) */
  phase: 'join' | 'measure';
  recordsPerSec: number;
  mbPerSec: number;
  lagRecords: number;
  /** members that hold partitions at the interval's end (the rest are still joining, or have none) */
  membersReading: number;
  pollIntervalP50Us: number;
  pollIntervalP99Us: number;
  pollIntervalMaxUs: number;
  /** records read from each partition in this interval */
  perPartition: number[];
  totalConsumed: number;
}

/** The JSON result of `stampede consume` (schemaVersion 1). Latencies in µs, rates per second. */
export interface ConsumeResult {
  schemaVersion: 1;
  kind: 'consume';
  tool: { name: 'stampede'; version: string };
  status: 'ok' | 'failed' | 'interrupted' | 'timed-out' | 'integrity-failed';
  startedAt: string;
  finishedAt: string;
  notices: string[];
  failures: WorkerFailure[];
  workload: ConsumeWorkload;
  groupId: string;
  librdkafka: Record<string, string>;
  librdkafkaVersion: string;
  topic: { name: string; partitions: number };
  runtime: { name: string; version: string };
  host: HostFacts;
  /** ms each consumer took from subscribing to its first assignment (0: it never got one), and until the group covered every partition (null: the run ended first) */
  join: { perConsumerMs: number[]; groupCoveredMs: number | null };
  totals: {
    /** whole run, the join included */
    consumed: number;
    bytes: number;
    /** the measured window: from the first member's first assignment to the stop (the readers told to stop; their leaving the group is not in it) */
    durationMs: number;
    /** records read by the stop: the rates' numerator */
    measuredConsumed: number;
    recordsPerSec: number;
    /** 10^6 bytes of key + value per second */
    mbPerSec: number;
    /** records between the group's positions and the end of the topic when it stopped */
    lagAtEnd: number;
  };
  latency: {
    /** how often each consumer called poll, start to start */
    pollInterval: LatencySummary & { unit: 'us'; hdr: string };
    /** receive time − the send time a stampede record carries (how old a record was when read); null when records were not decoded */
    recordAge: (LatencySummary & { unit: 'us'; hdr: string }) | null;
  };
  /** stampede's records only: every device's sequence as read (a gap is a lost record) */
  integrity: (IntegritySummary & { decodeErrors: number }) | null;
  partitions: { perPartition: number[]; balancePct: number };
  intervals: ConsumeIntervalRow[];
}

export interface ConsumeHooks {
  onNotice?(text: string): void;
  onInterval?(row: ConsumeIntervalRow): void;
  signal?: AbortSignal;
}

/**
 * `stampede consume`: a consumer group of native consumers in worker threads reads an existing
 * topic; the measured window opens when the group covers every partition and closes at --records,
 * --duration, --timeout or Ctrl-C.
 */
export async function runConsume(workload: ConsumeWorkload, hooks: ConsumeHooks = {}): Promise<ConsumeResult> {
  const notices: string[] = [];
  const notice = (text: string): void => {
    notices.push(text);
    hooks.onNotice?.(text);
  };
  const connection = resolveConnection({ brokers: workload.brokers, commandConfig: workload.commandConfig, commandProperties: workload.commandProperties });
  connection.notices.forEach(notice);
  const partitions = await withClusterAdmin(connection, (admin) => admin.topicPartitions(workload.topic));
  if (partitions === null) throw new StampedeError('E_OPTION', `--topic ${workload.topic}: no such topic on ${workload.brokers}`);
  const consumers = Math.min(workload.consumers, partitions);
  if (consumers < workload.consumers) notice(`${workload.consumers} consumers for ${partitions} partitions: using ${consumers}, one partition at least each`);
  const groupId = workload.group ?? `stampede-consume-${randomBytes(6).toString('hex')}`;
  const librdkafka = { ...kConsumerDefaults, ...connection.settings, 'auto.offset.reset': workload.from, ...workload.consumerProps, 'group.id': groupId };

  const regions = new SharedArrayBuffer(regionBytesFor(consumers));
  const pollGaps = new SharedArrayBuffer(regionBytesFor(consumers));
  const controlBuffer = new SharedArrayBuffer(kConsumerControlSlots * Int32Array.BYTES_PER_ELEMENT);
  const statsBuffer = new SharedArrayBuffer(consumers * kReaderStatSlots * Float64Array.BYTES_PER_ELEMENT);
  const partitionCountsBuffer = new SharedArrayBuffer(consumers * partitions * Float64Array.BYTES_PER_ELEMENT);
  const sharedPartitionCounts = new Float64Array(partitionCountsBuffer);
  const control = new Int32Array(controlBuffer);
  const stats = new Float64Array(statsBuffer);
  const startedAt = new Date();
  const startedAtMs = performance.now();
  const pool = new Piscina({ filename: readerWorkerFile, minThreads: consumers, maxThreads: consumers, concurrentTasksPerWorker: 1, idleTimeout: 60_000 });
  let settled = 0;
  const results = Array.from({ length: consumers }, (_, index) => {
    const task: ReaderTask = { index, topic: workload.topic, groupId, librdkafka, format: workload.format, partitions, partitionCounts: partitionCountsBuffer, regions, pollGaps, control: controlBuffer, stats: statsBuffer };
    const result = pool.run(task) as Promise<ReaderTaskResult>;
    void result.then(() => settled++);
    return result;
  });

  let status: ConsumeResult['status'] = 'ok';
  // The window ends when the readers are told to stop, with what they had read by then: leaving
  // the group and committing (close) is not reading, and a poll in flight may add a few records.
  let stoppedAtMs: number | undefined;
  let atStop = { acked: 0, ackedBytes: 0 };
  const stop = (why: ConsumeResult['status']): void => {
    if (Atomics.load(control, kConsumerStopSlot) === 1) return;
    stoppedAtMs = performance.now();
    atStop = readAckedTotals(regions, consumers);
    if (why !== 'ok') status = why;
    Atomics.store(control, kConsumerStopSlot, 1);
  };
  const onAbort = (): void => stop('interrupted');
  hooks.signal?.addEventListener('abort', onAbort);
  const lag = (): number => Array.from({ length: consumers }, (_, i) => stats[i * kReaderStatSlots + kReaderLagSlot]!).reduce((sum, value) => sum + value, 0);
  const covered = (): boolean => {
    let ready = 0;
    let assigned = 0;
    for (let i = 0; i < consumers; i++) {
      ready += Atomics.load(control, kConsumerReadyBase + i);
      assigned += Atomics.load(control, kConsumerAssignedBase + i);
    }
    return ready === consumers && assigned === partitions;
  };

  // The window opens when the first member has partitions and reads: joining the others (and the
  // rebalances that takes) is part of reading with a group, so it is measured, and reported apart.
  let measuredFromMs: number | undefined;
  let stopTimer: FullTimeout | undefined;
  const intervals: ConsumeIntervalRow[] = [];
  let previous = zeroSnapshot();
  let previousGaps = zeroSnapshot();
  let previousAtMs = startedAtMs;
  let previousPerPartition = new Array<number>(partitions).fill(0);
  let groupCoveredMs = -1;
  const perPartitionNow = (): number[] => {
    const sums = new Array<number>(partitions).fill(0);
    for (let i = 0; i < sharedPartitionCounts.length; i++) sums[i % partitions]! += sharedPartitionCounts[i]!;
    return sums;
  };
  const tick = (): void => {
    const nowMs = performance.now();
    const current = readAllRegions(regions, consumers);
    const gaps = readAllRegions(pollGaps, consumers);
    const delta = diffSnapshots(current, previous);
    const seconds = Math.max(nowMs - previousAtMs, 1) / 1000;
    const gapSummary = summarize(toHdrHistogram(diffSnapshots(gaps, previousGaps).counts));
    const perPartition = perPartitionNow();
    let membersReading = 0;
    for (let i = 0; i < consumers; i++) if (Atomics.load(control, kConsumerAssignedBase + i) > 0) membersReading++;
    const row: ConsumeIntervalRow = {
      elapsedMs: Math.round(nowMs - startedAtMs),
      phase: groupCoveredMs < 0 ? 'join' : 'measure',
      recordsPerSec: round1(delta.counters.acked / seconds),
      mbPerSec: round3(delta.counters.ackedBytes / 1e6 / seconds),
      lagRecords: lag(),
      membersReading,
      pollIntervalP50Us: gapSummary.p50,
      pollIntervalP99Us: gapSummary.p99,
      pollIntervalMaxUs: gapSummary.max,
      perPartition: perPartition.map((count, partition) => count - previousPerPartition[partition]!),
      totalConsumed: current.counters.acked,
    };
    previousPerPartition = perPartition;
    intervals.push(row);
    hooks.onInterval?.(row);
    previous = current;
    previousGaps = gaps;
    previousAtMs = nowMs;
  };
  const timer = setInterval(tick, workload.intervalMs);
  const timeoutTimer = workload.records === undefined ? undefined : setTimeout(() => stop('timed-out'), workload.timeoutMs);
  let outcomes: ReaderTaskResult[];
  let finishedAtMs: number;
  try {
    const joinBy = Date.now() + kJoinTimeoutMs;
    const anyReady = (): boolean => Array.from({ length: consumers }, (_, i) => Atomics.load(control, kConsumerReadyBase + i)).some((ready) => ready === 1);
    while (settled === 0 && Atomics.load(control, kConsumerStopSlot) === 0) {
      if (measuredFromMs === undefined && anyReady()) {
        measuredFromMs = performance.now();
        if (workload.records === undefined) stopTimer = new FullTimeout(workload.durationMs, () => stop('ok'));
      }
      if (groupCoveredMs < 0 && covered()) groupCoveredMs = performance.now() - startedAtMs;
      // The first members may read everything asked before the last one joins: that ends the run too.
      if (workload.records !== undefined && readAllRegions(regions, consumers).counters.acked >= workload.records) stop('ok');
      if (measuredFromMs === undefined && Date.now() > joinBy) {
        stop('failed');
        throw new StampedeError('E_KAFKA', `consumer group ${groupId} gave no member a partition of ${workload.topic} within ${kJoinTimeoutMs / 1000} s`, { exitCode: 1 });
      }
      await sleep(kStopCheckMs);
    }
    stop('ok'); // a reader that ended by itself (it failed) ends the run for the others
    outcomes = await Promise.all(results);
    finishedAtMs = performance.now();
  } finally {
    clearInterval(timer);
    stopTimer?.clear();
    clearTimeout(timeoutTimer);
    hooks.signal?.removeEventListener('abort', onAbort);
    stop('ok');
    await Promise.allSettled(results);
    await pool.destroy();
  }
  tick();

  const failures: WorkerFailure[] = [];
  outcomes.forEach((outcome, worker) => {
    if (!outcome.ok) failures.push({ worker, code: outcome.code, message: outcome.message, exitCode: outcome.exitCode });
  });
  const final = readAllRegions(regions, consumers);
  // Nothing is read before the first member has partitions, so the whole run is the measured one.
  const measuredConsumed = stoppedAtMs === undefined ? final.counters.acked : atStop.acked;
  const measuredBytes = stoppedAtMs === undefined ? final.counters.ackedBytes : atStop.ackedBytes;
  const durationMs = Math.max(1, (stoppedAtMs ?? finishedAtMs) - (measuredFromMs ?? startedAtMs));
  const integrity = mergeIntegrity(outcomes, workload.format !== null, final.counters.acked, notice);
  const partitionCounts = new Map<number, number>();
  for (const outcome of outcomes) if (outcome.ok) for (const [partition, count] of outcome.partitionCounts) partitionCounts.set(partition, (partitionCounts.get(partition) ?? 0) + count);
  if (failures.length > 0) status = 'failed';
  else if (integrity && (integrity.lost > 0 || integrity.duplicates > 0) && status === 'ok') status = 'integrity-failed';
  const gapHistogram = toHdrHistogram(readAllRegions(pollGaps, consumers).counts);
  const ageHistogram = toHdrHistogram(final.counts);
  return {
    schemaVersion: 1,
    kind: 'consume',
    tool: { name: 'stampede', version: toolVersion },
    status,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    notices,
    failures,
    workload,
    groupId,
    librdkafka,
    librdkafkaVersion: loadNative().librdkafkaVersion(),
    topic: { name: workload.topic, partitions },
    runtime: { name: runtimeName(), version: runtimeVersion() },
    host: hostFacts(),
    join: { perConsumerMs: Array.from({ length: consumers }, (_, i) => round1(stats[i * kReaderStatSlots + kReaderJoinMsSlot]!)), groupCoveredMs: groupCoveredMs < 0 ? null : round1(groupCoveredMs) },
    totals: {
      consumed: final.counters.acked,
      bytes: final.counters.ackedBytes,
      durationMs: Math.round(durationMs),
      measuredConsumed,
      recordsPerSec: round1(measuredConsumed / (durationMs / 1000)),
      mbPerSec: round3(measuredBytes / 1e6 / (durationMs / 1000)),
      lagAtEnd: lag(),
    },
    latency: {
      pollInterval: { ...summarize(gapHistogram), unit: 'us', hdr: encodeHdr(gapHistogram) },
      recordAge: integrity === null ? null : { ...summarize(ageHistogram), unit: 'us', hdr: encodeHdr(ageHistogram) },
    },
    integrity,
    partitions: partitionBalance(partitionCounts, partitions),
    intervals,
  };
}

/**
 * Every reader's device sequences merged; null when records were not decoded: --format none, or
 * --format auto found on the first batch that they are not stampede's.
 */
function mergeIntegrity(outcomes: ReaderTaskResult[], decoded: boolean, consumed: number, notice: (text: string) => void): ConsumeResult['integrity'] {
  if (!decoded) return null;
  const readers = outcomes.filter((outcome) => outcome.ok);
  const counted = readers.filter((outcome) => outcome.decodedAs === null).length;
  const checked = readers.filter((outcome) => outcome.decodedAs);
  if (checked.length === 0) {
    if (consumed > 0) notice("the records are not stampede's (their first batch did not decode as any of its formats): counted, not checked; --format none skips the look");
    return null;
  }
  if (counted > 0) notice(`${counted} of ${readers.length} consumers read records that are not stampede's: their partitions are counted, not checked; integrity covers the others' only`);
  const tracker = new SequenceTracker();
  let decodeErrors = 0;
  let firstDecodeError: string | null = null;
  for (const outcome of checked) {
    tracker.merge(SequenceTracker.import({ deviceIds: outcome.trackerDeviceIds, states: outcome.trackerStates }));
    decodeErrors += outcome.decodeErrors;
    firstDecodeError ??= outcome.firstDecodeError;
  }
  if (firstDecodeError !== null) notice(`${decodeErrors} record(s) did not decode, first: ${firstDecodeError}`);
  return { ...tracker.summarize(), decodeErrors };
}
