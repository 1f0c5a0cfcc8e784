import { expectedRecords } from '../verify/expectation.js';
import { modelExpectedRecords, modelShardOrders } from '../models/expected.js';
import { modelIdentity } from '../models/identity.js';
import type { ModelSpec } from '../models/spec.js';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Piscina } from 'piscina';
import { StampedeError } from '../errors.js';
import { encodeHdr, negativeValues, summarize, toHdrHistogram, type LatencySummary, type NegativeValues } from '../histogram/merge.js';
import { kConsumerDefaults } from '../clients/native-consumer.js';
import { consumerWorkerFile } from '../paths.js';
import type { Shard } from '../plan/shard.js';
import type { RecordFormat } from '../records/codec.js';
import { kConsumerAssignedBase, kConsumerControlSlots, kConsumerPauseSlot, kConsumerReadyBase, kConsumerRetireBase, kConsumerStopSlot, regionBytesFor } from '../shared/layout.js';
import { SharedOffsets } from '../verify/shared-offsets.js';
import type { RegionSnapshot } from '../shared/region.js';
import type { IntegritySummary } from '../verify/sequence-tracker.js';
import { mergeReads } from './read-outcomes.js';
import { partitionBalance } from '../verify/sink.js';
import { excuseAborted, type AbortedCheck } from '../verify/aborted.js';
import type { E2eConsumerTask, E2eConsumerTaskResult } from '../contracts/e2e-consumer-task.js';
import { readAllRegions } from '../histogram/snapshots.js';
import type { TestCrash } from '../contracts/test-crash.js';
import type { ConsumerCpu } from '../contracts/result.js';

const kJoinTimeoutMs = 45_000;

export interface EndToEndReport {
  endToEnd: LatencySummary & { unit: 'us'; negative: NegativeValues; hdr: string };
  integrity: IntegritySummary & { consumed: number; decodeErrors: number; skippedOlder: number; reread: number; consumerCpu?: ConsumerCpu } & Partial<AbortedCheck>;
  partitions: { perPartition: number[]; balancePct: number };
  consumers: number;
  groupId: string;
}

/**
 * The consumer side of `--e2e`: one consumer group of native consumers in worker threads, joined
 * before any producer sends, reading the run's records until they are all in or the drain ends.
 */
export class EndToEndConsumers {
  /** consumer slots (regions, control slots) in use; a retired slot is handed to the next member added */
  private readonly live = new Set<number>();
  private finished = 0;
  private readonly failed: { worker: number; message: string; code: string; exitCode: number }[] = [];
  private readonly results: Promise<E2eConsumerTaskResult>[] = [];
  private readonly control: Int32Array;
  /** a device model's run: its schedule says how many records each device sent */
  private model: { spec: ModelSpec; seed: number } | undefined;

  private constructor(
    private readonly pool: Piscina,
    private readonly template: Omit<E2eConsumerTask, 'index'>,
    /** region slots: the starting members, plus spares for members added during the run */
    readonly slots: number,
    readonly consumers: number,
    readonly groupId: string,
  ) {
    this.control = new Int32Array(template.control);
  }

  get regions(): SharedArrayBuffer {
    return this.template.regions;
  }

  failedSoFar(): readonly { worker: number; message: string; code: string; exitCode: number }[] {
    return this.failed;
  }

  /**
   * `paused`: the members join with their partitions paused (--backlog) until setPaused(false).
   * `spareSlots`: room for members added during the run (--consumer-churn).
   * `stage`: an observed stage's topic (--observe), read through its trace; without it the group
   * reads stampede's own records on the produced topic (--e2e).
   */
  static async start(options: { topic: string; partitions: number; consumers: number; format: RecordFormat; model?: { spec: ModelSpec; seed: number; valueSchema?: unknown } | undefined; librdkafka: Record<string, string>; crash?: TestCrash | undefined; paused?: boolean; spareSlots?: number; stage?: E2eConsumerTask['stage'] }): Promise<EndToEndConsumers> {
    const { consumers } = options;
    const slots = consumers + (options.spareSlots ?? 0);
    const groupId = `stampede-${options.stage ? 'stage' : 'e2e'}-${randomBytes(6).toString('hex')}`;
    const controlBuffer = new SharedArrayBuffer(kConsumerControlSlots * Int32Array.BYTES_PER_ELEMENT);
    if (options.paused) Atomics.store(new Int32Array(controlBuffer), kConsumerPauseSlot, 1);
    const pool = new Piscina({ filename: consumerWorkerFile, minThreads: consumers, maxThreads: slots, concurrentTasksPerWorker: 1, idleTimeout: 60_000 });
    const template: Omit<E2eConsumerTask, 'index'> = {
      topic: options.topic,
      groupId,
      // A short heartbeat: with the default 3 s a member learns of a rebalance 3 s late.
      librdkafka: { 'heartbeat.interval.ms': '300', ...kConsumerDefaults, ...options.librdkafka },
      format: options.format,
      ...(options.model ? { identity: { ...modelIdentity(options.model.spec)!, ...(options.model.valueSchema === undefined ? {} : { valueSchema: options.model.valueSchema }) } } : {}),
      regions: new SharedArrayBuffer(regionBytesFor(slots)),
      control: controlBuffer,
      positions: SharedOffsets.allocate(options.partitions),
      startOffsets: SharedOffsets.allocate(options.partitions),
      ...(options.stage ? { stage: options.stage } : {}),
    };
    const e2e = new EndToEndConsumers(pool, template, slots, consumers, groupId);
    e2e.model = options.model;
    for (let index = 0; index < consumers; index++) e2e.launch(index, options.crash?.role === 'consumer' && options.crash.index === index ? options.crash : undefined);
    const control = e2e.control;
    // Ready: every member joined and noted its start offsets, and the group covers every partition.
    const deadline = Date.now() + kJoinTimeoutMs;
    for (;;) {
      let ready = 0;
      let assigned = 0;
      for (let i = 0; i < consumers; i++) {
        ready += Atomics.load(control, kConsumerReadyBase + i);
        assigned += Atomics.load(control, kConsumerAssignedBase + i);
      }
      if (ready === consumers && assigned === options.partitions) return e2e;
      if (e2e.finished > 0 || Date.now() > deadline) {
        const outcomes = await e2e.stop();
        const failure = outcomes.find((outcome) => !outcome.ok);
        if (failure && !failure.ok) throw new StampedeError(failure.code as 'E_CLIENT', failure.message, { exitCode: failure.exitCode });
        throw new StampedeError('E_KAFKA', `consumer group ${groupId} did not cover the ${options.partitions} partitions of ${options.topic} within ${kJoinTimeoutMs / 1000} s (${ready} of ${consumers} consumers ready, ${assigned} partitions assigned)`, { exitCode: 1 });
      }
      await sleep(20);
    }
  }

  /** One member in slot `index`: a thread of the pool, polling until stopped or retired. */
  private launch(index: number, crash?: TestCrash, joinsLate = false): void {
    for (const base of [kConsumerReadyBase, kConsumerAssignedBase, kConsumerRetireBase]) Atomics.store(this.control, base + index, 0);
    const task: E2eConsumerTask = { ...this.template, index, ...(joinsLate ? { joinsLate } : {}), ...(crash ? { crash } : {}) };
    this.live.add(index);
    // A thread that exits without answering rejects here: a failure like any other.
    const result = (this.pool.run(task) as Promise<E2eConsumerTaskResult>).catch(
      (err: unknown): E2eConsumerTaskResult => ({ ok: false, code: 'E_WORKER', message: `consumer ${index}: its thread ended without a result (${(err as Error)?.message ?? String(err)})`, exitCode: 1 }),
    );
    void result.then((outcome) => {
      this.finished++;
      this.live.delete(index);
      if (!outcome.ok) this.failed.push({ worker: index, message: outcome.message, code: outcome.code, exitCode: outcome.exitCode });
    });
    this.results.push(result);
  }

  /** Members polling now (slots). */
  liveMembers(): number[] {
    return [...this.live].sort((a, b) => a - b);
  }

  /** Partitions the live members hold now, in all (the group covers the topic when this is its partition count). */
  assignedNow(): number {
    let assigned = 0;
    for (const index of this.live) assigned += Atomics.load(this.control, kConsumerAssignedBase + index);
    return assigned;
  }

  /** The member in slot `index` polls and holds at least one partition. */
  holds(index: number): boolean {
    return this.live.has(index) && Atomics.load(this.control, kConsumerAssignedBase + index) > 0;
  }

  /** Adds a member to the group in a free slot (--consumer-churn); its slot, or null when every slot is taken. */
  addMember(): number | null {
    for (let index = 0; index < this.slots; index++) {
      if (this.live.has(index)) continue;
      this.launch(index, undefined, true);
      return index;
    }
    return null;
  }

  /** Asks the newest live member to leave the group (--consumer-churn); its slot, or null when none would be left. Its outcome is kept for the report. */
  retireMember(): number | null {
    const members = this.liveMembers().filter((index) => !this.isLeaving(index));
    if (members.length <= 1) return null;
    const index = members[members.length - 1]!;
    Atomics.store(this.control, kConsumerRetireBase + index, 1);
    return index;
  }

  private isLeaving(index: number): boolean {
    return this.live.has(index) && Atomics.load(this.control, kConsumerRetireBase + index) === 1;
  }

  /** Pauses (true) or resumes (false) fetching on every member; they go on polling, so they stay in the group. */
  setPaused(paused: boolean): void {
    Atomics.store(this.control, kConsumerPauseSlot, paused ? 1 : 0);
  }

  snapshot(): RegionSnapshot {
    return readAllRegions(this.regions, this.slots);
  }

  /** Waits until `expected` records are consumed or the drain time passes, then stops the consumers. */
  async drain(expected: number, drainMs: number): Promise<E2eConsumerTaskResult[]> {
    const deadline = Date.now() + drainMs;
    while (this.snapshot().counters.acked < expected && Date.now() < deadline) await sleep(20);
    return this.stop();
  }

  private async stop(): Promise<E2eConsumerTaskResult[]> {
    Atomics.store(this.control, kConsumerStopSlot, 1);
    try {
      // Members added during the run may still be joining: every result, theirs included.
      let count = 0;
      while (count < this.results.length) {
        count = this.results.length;
        await Promise.all(this.results);
      }
      return await Promise.all(this.results);
    } finally {
      await this.pool.destroy();
    }
  }

  /** Merges what every consumer saw and checks it against what the producers sent. */
  report(outcomes: E2eConsumerTaskResult[], partitions: number, plan: Shard[], sentPerShard: number[], abortedRangesPerShard?: (number[] | undefined)[]): EndToEndReport {
    const { tracker, partitionCounts, decodeErrors, skippedOlder, reread, cpuUs } = mergeReads(outcomes);
    // --transactional: aborted records are not lost, and any of them read is an aborted read.
    const orders = this.model ? modelShardOrders(this.model.spec, this.model.seed, plan) : undefined;
    const aborted = abortedRangesPerShard ? excuseAborted(tracker, plan, abortedRangesPerShard, orders) : undefined;
    const consumed = this.snapshot();
    const histogram = toHdrHistogram(consumed.counts);
    return {
      endToEnd: { ...summarize(histogram), unit: 'us', negative: negativeValues(consumed.counters), hdr: encodeHdr(histogram) },
      integrity: { ...tracker.summarize(this.model ? modelExpectedRecords(this.model.spec, this.model.seed, plan, sentPerShard) : expectedRecords(plan, sentPerShard)), consumed: consumed.counters.acked, decodeErrors, skippedOlder, reread, ...(cpuUs ? { consumerCpu: consumerCpuOf(cpuUs, consumed.counters.acked) } : {}), ...aborted },
      partitions: partitionBalance(partitionCounts, partitions),
      consumers: this.consumers,
      groupId: this.groupId,
    };
  }
}

/** The consumers' own CPU over their reading, per million records read. */
function consumerCpuOf(cpuUs: { polling: number; librdkafka: number }, records: number): ConsumerCpu {
  const pollingSeconds = cpuUs.polling / 1e6;
  const librdkafkaSeconds = cpuUs.librdkafka / 1e6;
  const round = (value: number): number => Math.round(value * 1000) / 1000;
  return { pollingSeconds: round(pollingSeconds), librdkafkaSeconds: round(librdkafkaSeconds), secondsPerMillionRecords: records > 0 ? round(((pollingSeconds + librdkafkaSeconds) / records) * 1e6) : null };
}
