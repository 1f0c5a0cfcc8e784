import { setTimeout as sleep } from 'node:timers/promises';
import { withClusterAdmin } from '../clients/admin.js';
import { GroupLagReader } from '../clients/group-lag.js';
import type { Connection } from '../connection/config.js';
import { EndToEndConsumers } from '../consume/e2e-group.js';
import type { E2eConsumerTaskResult } from '../contracts/e2e-consumer-task.js';
import type { StageIntervalColumns, StageResult } from '../contracts/stage.js';
import type { IntervalRow } from '../contracts/result.js';
import { StampedeError } from '../errors.js';
import { diffSnapshots, encodeHdr, summarize, toHdrHistogram } from '../histogram/merge.js';
import { traceName, type StageSpec } from '../options/stages.js';
import type { Workload } from '../options/workload-shape.js';
import type { Shard } from '../plan/shard.js';
import type { RegionSnapshot } from '../shared/region.js';
import { expectedRecords } from '../verify/expectation.js';
import { mergeReads } from '../consume/read-outcomes.js';
import { perSecond } from './interval-sampler.js';

/** A drain with no new record on a stage for this long is over (a filter's or a window's output has no known count). */
const kQuietMs = 3_000;
/**
 * A passthrough stage that has read as many records as were acknowledged reads on until none came
 * for this long: duplicates count among the records read, so the count alone may be reached while
 * a distinct record is still on its way.
 */
const kSettleMs = 1_000;
const kLagReadTimeoutMs = 5_000;

/** One observed stage while the run goes on: its consumer group, and the processor's lag on its input. */
class ObservedStage {
  private previous: RegionSnapshot;
  private lagRecords: number | null = null;
  private maxLagRecords: number | null = null;
  private lagInFlight = false;
  outcomes: E2eConsumerTaskResult[] = [];
  private drained: Promise<void> | undefined;

  constructor(
    readonly spec: StageSpec,
    /** the topic the stage's processor reads: the produced topic, or the stage before */
    readonly input: string,
    readonly group: EndToEndConsumers,
    private readonly lag: GroupLagReader | undefined,
  ) {
    this.previous = group.snapshot();
  }

  /** The interval's columns; asks for the processor's lag again (its answer shows at the next interval). */
  columns(spanMs: number): StageIntervalColumns {
    const current = this.group.snapshot();
    const delta = diffSnapshots(current, this.previous);
    this.previous = current;
    this.readLag();
    const read = delta.counters.acked;
    return { name: this.spec.name, recordsPerSec: perSecond(read, spanMs), p99Us: read > 0 ? summarize(toHdrHistogram(delta.counts)).p99 : null, processorLagRecords: this.lagRecords };
  }

  /** What the stage has read up to the latest interval (the snapshot its columns came from). */
  readSoFar(): { name: string; read: RegionSnapshot } {
    return { name: this.spec.name, read: this.previous };
  }

  private readLag(): void {
    if (this.lag === undefined || this.lagInFlight) return;
    this.lagInFlight = true;
    this.lag
      .lagRecords(kLagReadTimeoutMs)
      .then((lag) => {
        this.lagRecords = lag;
        if (lag !== null) this.maxLagRecords = Math.max(this.maxLagRecords ?? 0, lag);
      })
      // A slow or failed read leaves the last value: lag is a reading, not a verdict.
      .catch(() => undefined)
      .finally(() => {
        this.lagInFlight = false;
      });
  }

  /** Reads on until `expected` records (passthrough) or until none came for kQuietMs, within drainMs; then stops the group. */
  drain(expected: number | null, deadlineMs: number): Promise<void> {
    this.drained ??= this.readOn(expected, deadlineMs);
    return this.drained;
  }

  private async readOn(expected: number | null, deadlineMs: number): Promise<void> {
    let last = this.group.snapshot().counters.acked;
    let lastChangeMs = Date.now();
    while (Date.now() < deadlineMs && this.fatal() === undefined) {
      const read = this.group.snapshot().counters.acked;
      if (read !== last) {
        last = read;
        lastChangeMs = Date.now();
      } else if (Date.now() - lastChangeMs >= (expected === null ? kQuietMs : read >= expected ? kSettleMs : Infinity)) break;
      await sleep(50);
    }
    this.outcomes = await this.group.drain(0, 0);
    this.lag?.close();
  }

  /** The stage's trace could not be read: the one line that stops the run. */
  fatal(): StampedeError | undefined {
    const failure = this.group.failedSoFar().find((failed) => failed.exitCode === 2);
    return failure ? new StampedeError('E_OPTION', failure.message.replace(/^consumer \d+: /, ''), { exitCode: 2 }) : undefined;
  }

  lagSummary(): StageResult['processorLag'] {
    return this.spec.processorGroup === undefined ? null : { group: this.spec.processorGroup, input: this.input, lastRecords: this.lagRecords, maxRecords: this.maxLagRecords };
  }
}

/**
 * The run's observed stages (--observe): one consumer group each, joined before any producer
 * sends, read through the stage's trace; the processor's lag on each stage's input when its group
 * is named. --e2e is the same group on the produced topic, reading stampede's own records.
 */
export class ObservedStages {
  private constructor(readonly stages: ObservedStage[]) {}

  /** `devices`: the run's device ids, so a stage can tell a record naming another device as foreign. */
  static async start(workload: Workload, connection: Connection, produced: string, devices: { first: number; count: number }, notice: (text: string) => void): Promise<ObservedStages> {
    // Every group joins at once: a join takes the broker's initial rebalance delay (3 s by default) each.
    const started = await Promise.allSettled(
      workload.stages.map(async (spec, index) => {
        const input = index === 0 ? produced : workload.stages[index - 1]!.topic;
        const partitions = await stagePartitions(connection, spec);
        const consumers = Math.min(workload.consumers, partitions);
        const group = await EndToEndConsumers.start({ topic: spec.topic, partitions, consumers, format: workload.format, librdkafka: connection.settings, stage: { name: spec.name, trace: spec.trace, runId: workload.traceRunId, devices } });
        try {
          const lag = spec.processorGroup === undefined ? undefined : new GroupLagReader(connection.settings, spec.processorGroup, input);
          return new ObservedStage(spec, input, group, lag);
        } catch (err) {
          await group.drain(0, 0);
          throw err;
        }
      }),
    );
    const stages = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const failed = started.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) {
      await Promise.all(stages.map((stage) => stage.drain(null, 0)));
      throw failed.reason;
    }
    if (stages.some((stage) => stage.spec.trace.kind === 'timestamp')) notice('stages traced by the Kafka record timestamp measure latency in whole milliseconds (the timestamp\'s unit)');
    return new ObservedStages(stages);
  }

  columns(spanMs: number): StageIntervalColumns[] {
    return this.stages.map((stage) => stage.columns(spanMs));
  }

  /** What each interval row gets: the stages' columns; `stop` is called once a stage's trace cannot be read. */
  intervalHook(stop: () => void): (row: IntervalRow) => void {
    let lastElapsedMs = 0;
    return (row) => {
      row.stages = this.columns(row.elapsedMs - lastElapsedMs);
      lastElapsedMs = row.elapsedMs;
      if (this.fatal()) stop();
    };
  }

  /** Every stage's cumulative reads at the latest interval, for /metrics. */
  readSoFar(): { name: string; read: RegionSnapshot }[] {
    return this.stages.map((stage) => stage.readSoFar());
  }

  /** The first stage whose trace cannot be read, as the line that stops the run. */
  fatal(): StampedeError | undefined {
    for (const stage of this.stages) {
      const error = stage.fatal();
      if (error) return error;
    }
    return undefined;
  }

  /** After the producers: every stage reads on (all together) until it has caught up or the drain time passes. */
  async drain(ackedRecords: number, drainMs: number): Promise<void> {
    const deadlineMs = Date.now() + drainMs;
    await Promise.all(this.stages.map((stage) => stage.drain(stage.spec.expect === 'passthrough' ? ackedRecords : null, deadlineMs)));
  }

  /** Stops every group that has not drained (a run that ended in an error). */
  async close(): Promise<void> {
    await Promise.all(this.stages.map((stage) => stage.drain(null, 0)));
  }

  report(plan: Shard[], sentPerShard: number[], ackedRecords: number, durationMs: number): StageResult[] {
    return this.stages.map((stage) => stageResult(stage, plan, sentPerShard, ackedRecords, durationMs));
  }
}

async function stagePartitions(connection: Connection, spec: StageSpec): Promise<number> {
  const partitions = await withClusterAdmin(connection, (admin) => admin.topicPartitions(spec.topic));
  if (partitions === null || partitions === 0) {
    throw new StampedeError('E_OPTION', `stage ${spec.name}: topic ${spec.topic} does not exist: start the processor first (it creates its output topics) or create the topic`, { exitCode: 2 });
  }
  return partitions;
}

function stageResult(stage: ObservedStage, plan: Shard[], sentPerShard: number[], ackedRecords: number, durationMs: number): StageResult {
  const { spec } = stage;
  const { tracker, traced, unidentified, ...counts } = mergeReads(stage.outcomes);
  let foreign = counts.foreign;
  const read = stage.group.snapshot();
  const records = read.counters.acked;
  if (records > 0 && traced === 0) throw new StampedeError('E_OPTION', missingTraceAtEnd(spec, records), { exitCode: 2 });
  const histogram = toHdrHistogram(read.counts);
  const expected = expectedRecords(plan, sentPerShard);
  // A device of this run at a sequence it never reached is another producer's record.
  foreign += tracker.dropBeyond(expected.recordsPerDevice);
  const identified = tracker.export().deviceIds.length > 0;
  // Integrity needs the device and sequence of each record: a timestamp alone has neither.
  const summary = identified && spec.expect !== 'aggregate' ? tracker.summarize(spec.expect === 'passthrough' ? expected : undefined) : null;
  const foreignUnknownReason = foreignUnknown(spec, unidentified, traced);
  return {
    name: spec.name,
    topic: spec.topic,
    expect: spec.expect,
    trace: traceName(spec.trace),
    records,
    recordsPerSec: perSecond(records, durationMs),
    latency: traced === 0 ? null : { ...summarize(histogram), unit: 'us', hdr: encodeHdr(histogram) },
    integrity: {
      lost: summary !== null && spec.expect === 'passthrough' ? summary.lost : null,
      duplicates: summary?.duplicates ?? null,
      outOfOrder: summary?.outOfOrder ?? null,
      foreign: foreignUnknownReason === null ? foreign : null,
      foreignUnknownReason,
      passedShare: summary !== null && ackedRecords > 0 ? Math.round((summary.uniqueRecords / ackedRecords) * 1e5) / 1e5 : null,
    },
    processorLag: stage.lagSummary(),
  };
}

/** Why a stage cannot count records not of this run; null when it can. */
function foreignUnknown(spec: StageSpec, unidentified: number, traced: number): string | null {
  if (spec.expect === 'aggregate') return 'an aggregate\'s outputs are computed from the input, not records of it';
  if (unidentified === 0) return null;
  const how =
    spec.trace.kind === 'field'
      ? `their JSON values have no numeric sensor_id and seq beside "${spec.trace.field}"`
      : 'a Kafka timestamp names no run or device: forward the stampede.trace header through the processor, or trace by a JSON field with sensor_id and seq beside it';
  return `${unidentified} of ${traced} traced records named no run or device (${how})`;
}

function missingTraceAtEnd(spec: StageSpec, records: number): string {
  const what = spec.trace.kind === 'field' ? `a numeric JSON field "${spec.trace.field}"` : spec.trace.kind === 'header' ? 'a stampede.trace header' : 'a usable trace';
  return `stage ${spec.name}: none of its ${records} records carried ${what}: ${spec.trace.kind === 'header' ? 'use --trace timestamp' : 'name where the send time is with --trace'}`;
}
