import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { consumedPrefixBytes, NativeConsumerClient, type ConsumedBatch } from '../src/clients/native-consumer.js';
import { StampedeError } from '../src/errors.js';
import type { RecordFormat } from '../src/records/codec.js';
import type { ReaderTask, ReaderTaskResult } from '../src/contracts/reader-task.js';
import { kConsumerAssignedBase, kConsumerReadyBase, kConsumerStopSlot, kReaderJoinMsSlot, kReaderLagSlot, kReaderStatSlots } from '../src/shared/layout.js';
import { RegionWriter } from '../src/shared/region.js';
import { detectStampedeFormat } from '../src/verify/detect.js';
import { ConsumedRecordSink } from '../src/verify/sink.js';

const kJoinTimeoutMs = 30_000;
const kPollRecords = 10_000;
const kPollTimeoutMs = 50;
/** How often a reader notes its lag. */
const kLagEveryMs = 200;

/** Piscina task: one member of a `stampede consume` group, reading until the coordinator says stop. */
export default async function readForConsume(task: ReaderTask): Promise<ReaderTaskResult> {
  const control = new Int32Array(task.control);
  const stats = new Float64Array(task.stats, task.index * kReaderStatSlots * Float64Array.BYTES_PER_ELEMENT, kReaderStatSlots);
  const region = new RegionWriter(task.regions, task.index);
  const pollGaps = new RegionWriter(task.pollGaps, task.index);
  const perPartition = new Float64Array(task.partitionCounts, task.index * task.partitions * Float64Array.BYTES_PER_ELEMENT, task.partitions);
  let client: NativeConsumerClient | undefined;
  try {
    client = new NativeConsumerClient(task.librdkafka, task.topic);
    const joinStartedMs = performance.now();
    await client.waitForAssignment(kJoinTimeoutMs);
    stats[kReaderJoinMsSlot] = Math.max(performance.now() - joinStartedMs, 0.001);
    // Decoding checks integrity (stampede's records); counting alone is what --format none asks,
    // and what --format auto falls back to when the first batch is not stampede's.
    let sink: ConsumedRecordSink | null = null;
    let decodedAs: RecordFormat | null | undefined = task.format === null ? null : task.format === 'auto' ? undefined : task.format;
    if (decodedAs) sink = new ConsumedRecordSink(decodedAs, null, region);
    const counted = new CountingSink(region, perPartition);
    const absorb = (batch: ConsumedBatch): void => {
      if (decodedAs === undefined) {
        decodedAs = detectStampedeFormat(batch);
        if (decodedAs) sink = new ConsumedRecordSink(decodedAs, null, region);
      }
      if (sink) {
        sink.absorb(batch);
        for (const [partition, count] of sink.partitionCounts) if (partition < perPartition.length) perPartition[partition] = count;
      } else counted.absorb(batch);
    };
    // Cached watermarks from this member's own fetches: no broker round trip, so it can run often.
    const measureLag = (): void => {
      const lag = client!.lag();
      if (lag >= 0) stats[kReaderLagSlot] = lag;
    };
    measureLag();
    Atomics.store(control, kConsumerReadyBase + task.index, 1);
    let lastPollStartedMs: number | undefined;
    let lagMeasuredAtMs = performance.now();
    while (Atomics.load(control, kConsumerStopSlot) === 0) {
      Atomics.store(control, kConsumerAssignedBase + task.index, client.assignment().length);
      const pollStartedMs = performance.now();
      // Start to start: how often this member calls poll (what max.poll.interval.ms bounds).
      if (lastPollStartedMs !== undefined) pollGaps.recordLatencyUs((pollStartedMs - lastPollStartedMs) * 1000);
      lastPollStartedMs = pollStartedMs;
      const batch = client.poll(kPollRecords, kPollTimeoutMs);
      if (batch) absorb(batch);
      else await yieldToLoop();
      if (performance.now() - lagMeasuredAtMs >= kLagEveryMs) {
        measureLag();
        lagMeasuredAtMs = performance.now();
      }
    }
    measureLag();
    const decoded = sink as ConsumedRecordSink | null;
    const exported = decoded?.tracker.export();
    // Counted records are in the shared row (and, past the partitions known at the start, the map).
    const partitionCounts = decoded ? new Map(decoded.partitionCounts) : new Map(counted.partitionCounts);
    if (!decoded) perPartition.forEach((count, partition) => count > 0 && partitionCounts.set(partition, count));
    return {
      ok: true,
      trackerDeviceIds: exported?.deviceIds ?? new Float64Array(0),
      trackerStates: exported?.states ?? [],
      partitionCounts: [...partitionCounts],
      decodeErrors: decoded?.decodeErrors ?? 0,
      firstDecodeError: decoded?.firstDecodeError ?? null,
      decodedAs,
    };
  } catch (err) {
    const error = err instanceof StampedeError ? err : new StampedeError('E_WORKER', (err as Error)?.message ?? String(err), { exitCode: 1 });
    return { ok: false, code: error.code, message: `consumer ${task.index}: ${error.message}`, exitCode: error.exitCode };
  } finally {
    client?.close();
    region.markDone();
  }
}

/** Counts records, bytes and partitions from the packed headers alone: no decoding, no object per record. */
class CountingSink {
  readonly partitionCounts = new Map<number, number>();

  constructor(
    private readonly region: RegionWriter,
    /** this reader's shared per-partition counts, read by the coordinator every interval */
    private readonly perPartition: Float64Array,
  ) {}

  absorb(batch: ConsumedBatch): void {
    const { packed } = batch;
    let at = 0;
    let payloadBytes = 0;
    while (at < packed.length) {
      const keyLength = packed.readUInt32LE(at);
      const valueLength = packed.readUInt32LE(at + 4);
      const partition = packed.readInt32LE(at + 8);
      if (partition < this.perPartition.length) this.perPartition[partition]!++;
      else this.partitionCounts.set(partition, (this.partitionCounts.get(partition) ?? 0) + 1);
      payloadBytes += keyLength + valueLength;
      at += consumedPrefixBytes(packed, at) + keyLength + valueLength;
    }
    this.region.addAcked(batch.count, payloadBytes);
  }
}
