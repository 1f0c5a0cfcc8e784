import { Piscina } from 'piscina';
import type { ReaderTask, ReaderTaskResult } from '../contracts/reader-task.js';
import { readAckedTotals, readAllRegions } from '../histogram/snapshots.js';
import { readerWorkerFile } from '../paths.js';
import { kConsumerAssignedBase, kConsumerControlSlots, kConsumerReadyBase, kConsumerStopSlot, kReaderJoinMsSlot, kReaderLagSlot, kReaderStatSlots, regionBytesFor } from '../shared/layout.js';
import type { RegionSnapshot } from '../shared/region.js';
import type { FormatChoice } from '../verify/sink.js';

/**
 * `stampede consume`'s reader threads: one consumer group, each member a worker thread that
 * counts, decodes and times what it reads into shared memory. The coordinator reads it all from
 * here without a message per record: consumed counts and record ages, poll gaps, per-partition
 * counts, each member's lag and join time, and whether the group covers the topic yet.
 */
export class ReaderGroup {
  private readonly regions: SharedArrayBuffer;
  private readonly pollGapRegions: SharedArrayBuffer;
  private readonly control: Int32Array;
  private readonly stats: Float64Array;
  private readonly partitionCounts: Float64Array;
  private readonly pool: Piscina;
  private settled = 0;
  /** Every reader's outcome, in member order; never rejects. */
  readonly finished: Promise<ReaderTaskResult[]>;
  private readonly running: Promise<ReaderTaskResult>[];

  constructor(
    readonly members: number,
    readonly partitions: number,
    job: { topic: string; groupId: string; librdkafka: Record<string, string>; format: FormatChoice | null },
  ) {
    this.regions = new SharedArrayBuffer(regionBytesFor(members));
    this.pollGapRegions = new SharedArrayBuffer(regionBytesFor(members));
    const controlBuffer = new SharedArrayBuffer(kConsumerControlSlots * Int32Array.BYTES_PER_ELEMENT);
    const statsBuffer = new SharedArrayBuffer(members * kReaderStatSlots * Float64Array.BYTES_PER_ELEMENT);
    const partitionCountsBuffer = new SharedArrayBuffer(members * partitions * Float64Array.BYTES_PER_ELEMENT);
    this.control = new Int32Array(controlBuffer);
    this.stats = new Float64Array(statsBuffer);
    this.partitionCounts = new Float64Array(partitionCountsBuffer);
    this.pool = new Piscina({ filename: readerWorkerFile, minThreads: members, maxThreads: members, concurrentTasksPerWorker: 1, idleTimeout: 60_000 });
    this.running = Array.from({ length: members }, (_, index) => {
      const task: ReaderTask = { index, ...job, partitions, partitionCounts: partitionCountsBuffer, regions: this.regions, pollGaps: this.pollGapRegions, control: controlBuffer, stats: statsBuffer };
      const result = this.pool.run(task) as Promise<ReaderTaskResult>;
      void result.then(() => this.settled++);
      return result;
    });
    this.finished = Promise.all(this.running);
  }

  /** Consumed counts and bytes, and record ages, of every member so far. */
  snapshot(): RegionSnapshot {
    return readAllRegions(this.regions, this.members);
  }

  /** Poll-to-poll gaps of every member so far. */
  pollGaps(): RegionSnapshot {
    return readAllRegions(this.pollGapRegions, this.members);
  }

  consumedTotals(): { acked: number; ackedBytes: number } {
    return readAckedTotals(this.regions, this.members);
  }

  /** Records between the members' positions and the ends of their partitions, summed. */
  lag(): number {
    let sum = 0;
    for (let i = 0; i < this.members; i++) sum += this.stats[i * kReaderStatSlots + kReaderLagSlot]!;
    return sum;
  }

  /** ms each member took from subscribing to its first assignment (0: none yet). */
  joinMs(): number[] {
    return Array.from({ length: this.members }, (_, i) => this.stats[i * kReaderStatSlots + kReaderJoinMsSlot]!);
  }

  /** Some member holds partitions and reads. */
  anyReading(): boolean {
    for (let i = 0; i < this.members; i++) if (Atomics.load(this.control, kConsumerReadyBase + i) === 1) return true;
    return false;
  }

  /** Every member is reading and together they hold every partition. */
  covers(): boolean {
    let ready = 0;
    let assigned = 0;
    for (let i = 0; i < this.members; i++) {
      ready += Atomics.load(this.control, kConsumerReadyBase + i);
      assigned += Atomics.load(this.control, kConsumerAssignedBase + i);
    }
    return ready === this.members && assigned === this.partitions;
  }

  /** Members that hold partitions now. */
  membersReading(): number {
    let reading = 0;
    for (let i = 0; i < this.members; i++) if (Atomics.load(this.control, kConsumerAssignedBase + i) > 0) reading++;
    return reading;
  }

  /** Records read from each partition so far, summed over members. */
  perPartition(): number[] {
    const sums = new Array<number>(this.partitions).fill(0);
    for (let i = 0; i < this.partitionCounts.length; i++) sums[i % this.partitions]! += this.partitionCounts[i]!;
    return sums;
  }

  /** Some member has ended (it failed, or the run was stopped). */
  get anyEnded(): boolean {
    return this.settled > 0;
  }

  get stopping(): boolean {
    return Atomics.load(this.control, kConsumerStopSlot) === 1;
  }

  /** Tells every member to stop reading; each then leaves the group and ends. */
  stop(): void {
    Atomics.store(this.control, kConsumerStopSlot, 1);
  }

  async close(): Promise<void> {
    this.stop();
    await Promise.allSettled(this.running);
    await this.pool.destroy();
  }
}
