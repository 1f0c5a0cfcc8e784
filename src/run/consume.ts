import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { withClusterAdmin } from '../clients/admin.js';
import { kConsumerDefaults } from '../clients/native-consumer.js';
import { resolveConnection } from '../connection/config.js';
import { ReaderGroup } from '../consume/reader-group.js';
import type { ConsumeIntervalRow, ConsumeResult } from '../contracts/consume-result.js';
import type { ReaderTaskResult } from '../contracts/reader-task.js';
import type { WorkerFailure } from '../contracts/result.js';
import { StampedeError } from '../errors.js';
import { diffSnapshots, encodeHdr, summarize, toHdrHistogram, zeroSnapshot } from '../histogram/merge.js';
import { loadNative } from '../native/load.js';
import type { ConsumeWorkload } from '../options/consume-workload.js';
import { hostFacts, runtimeName, runtimeVersion } from '../runtime.js';
import type { RegionSnapshot } from '../shared/region.js';
import { toolVersion } from '../version.js';
import { SequenceTracker } from '../verify/sequence-tracker.js';
import { partitionBalance } from '../verify/sink.js';
import { FullTimeout } from './full-timeout.js';
import { IntervalSampler, mbPerSecond, perSecond, round1, round3 } from './interval-sampler.js';

const kJoinTimeoutMs = 45_000;
const kStopCheckMs = 20;

export interface ConsumeHooks {
  onNotice?(text: string): void;
  onInterval?(row: ConsumeIntervalRow): void;
  signal?: AbortSignal;
}

/** What a consume run measured, for the result. */
interface Measured {
  startedAt: Date;
  status: ConsumeResult['status'];
  outcomes: ReaderTaskResult[];
  intervals: ConsumeIntervalRow[];
  /** the measured window, ms, and what was read by its end */
  durationMs: number;
  measured: { acked: number; ackedBytes: number };
  groupCoveredMs: number | null;
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
  const readers = new ReaderGroup(consumers, partitions, { topic: workload.topic, groupId, librdkafka, format: workload.format });
  const measured = await sampleReaders(readers, workload, groupId, hooks);
  return consumeResult({ workload, groupId, librdkafka, readers, measured, notices, notice });
}

/**
 * The readers through the run's interval clock until they stop. The window opens when the first
 * member has partitions and reads: joining the others (and the rebalances that takes) is part of
 * reading with a group, so it is measured, and reported apart. It ends when the readers are told
 * to stop, with what they had read by then: leaving the group and committing (close) is not
 * reading, and a poll in flight may add a few records.
 */
async function sampleReaders(readers: ReaderGroup, workload: ConsumeWorkload, groupId: string, hooks: ConsumeHooks): Promise<Measured> {
  const startedAt = new Date();
  const startedAtMs = performance.now();
  let status: ConsumeResult['status'] = 'ok';
  let stoppedAtMs: number | undefined;
  let atStop = { acked: 0, ackedBytes: 0 };
  const stop = (why: ConsumeResult['status']): void => {
    if (readers.stopping) return;
    stoppedAtMs = performance.now();
    atStop = readers.consumedTotals();
    if (why !== 'ok') status = why;
    readers.stop();
  };
  const onAbort = (): void => stop('interrupted');
  hooks.signal?.addEventListener('abort', onAbort);

  let measuredFromMs: number | undefined;
  let stopTimer: FullTimeout | undefined;
  let groupCoveredMs = -1;
  const sampler = consumeRows(readers, startedAtMs, () => groupCoveredMs >= 0, hooks);
  sampler.start(workload.intervalMs, () => readers.snapshot());
  const timeoutTimer = workload.records === undefined ? undefined : setTimeout(() => stop('timed-out'), workload.timeoutMs);
  let outcomes: ReaderTaskResult[];
  let finishedAtMs: number;
  try {
    const joinBy = Date.now() + kJoinTimeoutMs;
    while (!readers.anyEnded && !readers.stopping) {
      if (measuredFromMs === undefined && readers.anyReading()) {
        measuredFromMs = performance.now();
        if (workload.records === undefined) stopTimer = new FullTimeout(workload.durationMs, () => stop('ok'));
      }
      if (groupCoveredMs < 0 && readers.covers()) groupCoveredMs = performance.now() - startedAtMs;
      // The first members may read everything asked before the last one joins: that ends the run too.
      if (workload.records !== undefined && readers.consumedTotals().acked >= workload.records) stop('ok');
      if (measuredFromMs === undefined && Date.now() > joinBy) {
        stop('failed');
        throw new StampedeError('E_KAFKA', `consumer group ${groupId} gave no member a partition of ${workload.topic} within ${kJoinTimeoutMs / 1000} s`, { exitCode: 1 });
      }
      await sleep(kStopCheckMs);
    }
    stop('ok'); // a reader that ended by itself (it failed) ends the run for the others
    outcomes = await readers.finished;
    finishedAtMs = performance.now();
  } finally {
    sampler.stop();
    stopTimer?.clear();
    clearTimeout(timeoutTimer);
    hooks.signal?.removeEventListener('abort', onAbort);
    await readers.close();
  }
  sampler.tick(performance.now(), readers.snapshot());
  const final = readers.snapshot();
  // Nothing is read before the first member has partitions, so the whole run is the measured one.
  return {
    startedAt,
    status,
    outcomes,
    intervals: sampler.rows,
    durationMs: Math.max(1, (stoppedAtMs ?? finishedAtMs) - (measuredFromMs ?? startedAtMs)),
    measured: stoppedAtMs === undefined ? final.counters : atStop,
    groupCoveredMs: groupCoveredMs < 0 ? null : round1(groupCoveredMs),
  };
}

/** consume's interval rows: records/s and MB/s read, lag, members reading, poll gaps, per-partition counts. */
function consumeRows(readers: ReaderGroup, startedAtMs: number, covered: () => boolean, hooks: ConsumeHooks): IntervalSampler<ConsumeIntervalRow, RegionSnapshot> {
  let previous = zeroSnapshot();
  let previousGaps = zeroSnapshot();
  let previousPerPartition = new Array<number>(readers.partitions).fill(0);
  return new IntervalSampler<ConsumeIntervalRow, RegionSnapshot>(
    startedAtMs,
    ({ spanMs, elapsedMs }, current) => {
      const gaps = readers.pollGaps();
      const delta = diffSnapshots(current, previous);
      const gapSummary = summarize(toHdrHistogram(diffSnapshots(gaps, previousGaps).counts));
      const perPartition = readers.perPartition();
      const row: ConsumeIntervalRow = {
        elapsedMs: Math.round(elapsedMs),
        phase: covered() ? 'measure' : 'join',
        recordsPerSec: perSecond(delta.counters.acked, spanMs),
        mbPerSec: mbPerSecond(delta.counters.ackedBytes, spanMs),
        lagRecords: readers.lag(),
        membersReading: readers.membersReading(),
        pollIntervalP50Us: gapSummary.p50,
        pollIntervalP99Us: gapSummary.p99,
        pollIntervalMaxUs: gapSummary.max,
        perPartition: perPartition.map((count, partition) => count - previousPerPartition[partition]!),
        totalConsumed: current.counters.acked,
      };
      previousPerPartition = perPartition;
      previous = current;
      previousGaps = gaps;
      return row;
    },
    (row) => hooks.onInterval?.(row),
  );
}

/** The result every consume reporter reads. */
function consumeResult(args: { workload: ConsumeWorkload; groupId: string; librdkafka: Record<string, string>; readers: ReaderGroup; measured: Measured; notices: string[]; notice: (text: string) => void }): ConsumeResult {
  const { workload, readers, measured } = args;
  const failures: WorkerFailure[] = [];
  measured.outcomes.forEach((outcome, worker) => {
    if (!outcome.ok) failures.push({ worker, code: outcome.code, message: outcome.message, exitCode: outcome.exitCode });
  });
  const final = readers.snapshot();
  const integrity = mergeIntegrity(measured.outcomes, workload.format !== null, final.counters.acked, args.notice);
  const partitionCounts = new Map<number, number>();
  for (const outcome of measured.outcomes) if (outcome.ok) for (const [partition, count] of outcome.partitionCounts) partitionCounts.set(partition, (partitionCounts.get(partition) ?? 0) + count);
  let status = measured.status;
  if (failures.length > 0) status = 'failed';
  else if (integrity && (integrity.lost > 0 || integrity.duplicates > 0) && status === 'ok') status = 'integrity-failed';
  const gapHistogram = toHdrHistogram(readers.pollGaps().counts);
  const ageHistogram = toHdrHistogram(final.counts);
  const seconds = measured.durationMs / 1000;
  return {
    schemaVersion: 1,
    kind: 'consume',
    tool: { name: 'stampede', version: toolVersion },
    status,
    startedAt: measured.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    notices: args.notices,
    failures,
    workload,
    groupId: args.groupId,
    librdkafka: args.librdkafka,
    librdkafkaVersion: loadNative().librdkafkaVersion(),
    topic: { name: workload.topic, partitions: readers.partitions },
    runtime: { name: runtimeName(), version: runtimeVersion() },
    host: hostFacts(),
    join: { perConsumerMs: readers.joinMs().map(round1), groupCoveredMs: measured.groupCoveredMs },
    totals: {
      consumed: final.counters.acked,
      bytes: final.counters.ackedBytes,
      durationMs: Math.round(measured.durationMs),
      measuredConsumed: measured.measured.acked,
      recordsPerSec: round1(measured.measured.acked / seconds),
      mbPerSec: round3(measured.measured.ackedBytes / 1e6 / seconds),
      lagAtEnd: readers.lag(),
    },
    latency: {
      pollInterval: { ...summarize(gapHistogram), unit: 'us', hdr: encodeHdr(gapHistogram) },
      recordAge: integrity === null ? null : { ...summarize(ageHistogram), unit: 'us', hdr: encodeHdr(ageHistogram) },
    },
    integrity,
    partitions: partitionBalance(partitionCounts, readers.partitions),
    intervals: measured.intervals,
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
