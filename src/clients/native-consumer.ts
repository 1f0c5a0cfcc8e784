import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { StampedeError } from '../errors.js';
import { loadNative, type NativeConsumer } from '../native/load.js';
import type { RecordTrace } from '../records/trace.js';

/**
 * Packed layout of a consumed batch (native/src/consumed.rs), per record, little-endian:
 * `u32 keyLength | u32 valueLength | i32 partition | u8 timestampType | u8 traceState | u16 0 |
 * f64 offset | f64 receivedAtUs | f64 timestampMs | [trace block] | key bytes | value bytes`.
 * receivedAtUs is the wall clock (µs since the Unix epoch) read just after the addon took the
 * record (and at most 63 after it) from librdkafka. timestampType: kTimestampNone (timestampMs -1),
 * kTimestampCreate or kTimestampLogAppend. traceState: kTraceAbsent (no `stampede.trace` header),
 * kTracePresent (a 32-byte block follows: `8 bytes run id | u32 deviceId | u32 0 | f64 seq |
 * f64 intendedSendUs`) or kTraceUnreadable (such a header, but not a trace this version reads; no
 * block). A null key or value is 0 bytes.
 */
export const kConsumedHeaderBytes = 40;
export const kTraceBlockBytes = 32;
export const kTimestampNone = 0;
export const kTimestampCreate = 1;
export const kTimestampLogAppend = 2;
export const kTraceAbsent = 0;
export const kTracePresent = 1;
export const kTraceUnreadable = 2;

/** Byte offsets inside a record's packed header. */
export const kConsumedAt = { partition: 8, timestampType: 12, traceState: 13, offset: 16, receivedAtUs: 24, timestampMs: 32 } as const;
/** Byte offsets inside a trace block, from its start (the record's start + kConsumedHeaderBytes). */
export const kTraceBlockAt = { runId: 0, deviceId: 8, seq: 16, intendedSendUs: 24 } as const;

export type KafkaTimestampType = 'none' | 'create' | 'logAppend';
const kTimestampTypes: readonly KafkaTimestampType[] = ['none', 'create', 'logAppend'];

/** Records taken by one poll, packed. */
export interface ConsumedBatch {
  count: number;
  packed: Buffer;
}

/** One record of a packed batch; key and value are views into it. */
export interface ConsumedRecord {
  key: Buffer;
  value: Buffer;
  partition: number;
  offset: number;
  receivedAtUs: number;
  /** the record's Kafka timestamp, ms since the Unix epoch; -1 when it has none */
  timestampMs: number;
  timestampType: KafkaTimestampType;
  /** its trace header; null when it has none, 'unreadable' when it has one this version cannot read */
  trace: RecordTrace | null | 'unreadable';
}

/**
 * librdkafka consumer settings stampede's consumers start from (the user's --consumer-props and
 * connection settings go over them). fetch.queue.backoff.ms: librdkafka (2.4+) waits this long
 * before fetching a partition again once its local queue holds queued.min.messages; its default,
 * 1000 ms, throttled a consumer that empties the queue faster than that to 220–280k rec/s here,
 * against 1.2–1.3M rec/s with 10 ms (same broker, topic and minute; docs/benchmarks.md, "Consuming").
 */
export const kConsumerDefaults: Readonly<Record<string, string>> = { 'fetch.queue.backoff.ms': '10' };

/** Slice of one assignment wait: short, so a wait gives the event loop a turn several times a second. */
const kAssignmentPollMs = 100;
/** Records one poll of an assignment wait may take; they are kept for the next polls. */
const kAssignmentPollRecords = 10_000;

/**
 * A Kafka group consumer over the native addon, for end-to-end latency and loss checks. Usable in
 * any worker thread (and on Bun/Deno): polled from the thread that owns it, one native call and one
 * packed Buffer per poll, no JS object per record unless `unpackConsumed` is walked.
 */
export class NativeConsumerClient {
  private readonly consumer: NativeConsumer;
  /** Records received while waiting for the assignment, handed out by the next polls. */
  private pending: Buffer | null = null;

  /**
   * `config`: librdkafka consumer properties; `bootstrap.servers` and `group.id` are required,
   * `auto.offset.reset=earliest` is what a loss check wants. Subscribes to `topic` at once.
   * Throws StampedeError E_CLIENT naming a rejected property.
   */
  constructor(
    private readonly config: Record<string, string>,
    readonly topic: string,
  ) {
    const { NativeConsumer } = loadNative();
    try {
      this.consumer = new NativeConsumer(config, [topic]);
    } catch (err) {
      // "consumer property fetch.wait.max.mss=5 rejected: No such configuration property: …"
      throw new StampedeError('E_CLIENT', (err as Error).message, { cause: err });
    }
  }

  /**
   * Polls until the group has assigned this member at least one partition; returns them, sorted.
   * Joining happens inside polls, so this must run before anything else polls. Records that
   * arrive while waiting (the topic already had some, or producers had started) are not dropped:
   * the next `poll` calls return them first. Throws StampedeError E_CLIENT on timeout, naming the
   * group and topic (and librdkafka's last error).
   */
  async waitForAssignment(timeoutMs: number): Promise<number[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const remaining = deadline - Date.now();
      const packed = this.consumer.poll(kAssignmentPollRecords, Math.max(0, Math.min(kAssignmentPollMs, remaining)));
      if (packed) this.pending = this.pending ? Buffer.concat([this.pending, packed]) : packed;
      const partitions = this.consumer.assignment();
      if (partitions.length > 0) return partitions;
      if (Date.now() >= deadline) {
        const lastError = this.consumer.lastError;
        throw new StampedeError(
          'E_CLIENT',
          `consumer group ${this.config['group.id']} assigned no partition of topic ${this.topic} to this member within ${timeoutMs} ms ` +
            `(topic missing, broker unreachable, or more members than partitions)${lastError ? `; last error: ${lastError}` : ''}`,
          { exitCode: 1 },
        );
      }
      await yieldToLoop();
    }
  }

  /**
   * Up to maxRecords (≥ 1) records: waits up to timeoutMs for a first one, then takes what is
   * immediately available. null when none arrived. Blocks the calling thread for up to timeoutMs.
   */
  poll(maxRecords: number, timeoutMs: number): ConsumedBatch | null {
    if (this.pending) {
      const { head, rest } = splitConsumed(this.pending, maxRecords);
      this.pending = rest;
      return head;
    }
    const packed = this.consumer.poll(maxRecords, timeoutMs);
    return packed ? { count: countConsumed(packed), packed } : null;
  }

  /** Partitions assigned to this member now (they can change at a rebalance). */
  assignment(): number[] {
    return this.consumer.assignment();
  }

  /** Records behind the end of this member's partitions, from cached watermarks (cheap); -1 while unknown. */
  lag(): number {
    return this.consumer.lag();
  }

  /**
   * partition → the next offset librdkafka reads there: past transaction markers and aborted
   * records, which no record returned shows. Empty while records it returned are still held here
   * unread (its positions are then ahead of what the caller has seen).
   */
  positions(): Map<number, number> {
    const positions = new Map<number, number>();
    if (this.pending) return positions;
    for (const { partition, offset } of this.consumer.positions()) positions.set(partition, offset);
    return positions;
  }

  /** partition → watermarks of every partition of the topic: read until each position reaches `high`. */
  endOffsets(timeoutMs: number): Map<number, { low: number; high: number }> {
    const offsets = new Map<number, { low: number; high: number }>();
    for (const { topic, partition, low, high } of this.consumer.endOffsets(timeoutMs)) {
      if (topic === this.topic) offsets.set(partition, { low, high });
    }
    return offsets;
  }

  /**
   * Pauses fetching from this member's partitions (--backlog): polls go on, so the member stays in
   * the group (a member that stops polling for max.poll.interval.ms is put out of it), but return
   * nothing. Records librdkafka fetched but did not hand over are dropped by it and fetched again
   * on resume (from the position); records this client already took stay pending. Partitions a rebalance
   * assigns later are not paused: call again. Returns how many partitions it paused.
   */
  pause(): number {
    return this.consumer.pause();
  }

  /** Resumes fetching from this member's partitions, from its positions; returns how many. */
  resume(): number {
    return this.consumer.resume();
  }

  /**
   * CPU µs librdkafka's own threads of this consumer (fetching, parsing) have used so far; the
   * polling thread's own time is its thread CPU clock. -1 where thread CPU clocks are missing.
   */
  librdkafkaCpuMicros(): number {
    return this.consumer.librdkafkaCpuMicros();
  }

  get lastError(): string | null {
    return this.consumer.lastError;
  }

  /** Leaves the group and ends every thread of the consumer; idempotent. Pending records are dropped. */
  close(): void {
    this.pending = null;
    this.consumer.close();
  }
}

/** Records in a packed batch (walks the headers). */
export function countConsumed(packed: Buffer): number {
  let count = 0;
  for (let at = 0; at < packed.length; count++) at = recordEnd(packed, at);
  return count;
}

/**
 * The first `maxRecords` records of a packed batch as a batch of their own (a view), and the rest
 * (a view, or null when none is left).
 */
export function splitConsumed(packed: Buffer, maxRecords: number): { head: ConsumedBatch; rest: Buffer | null } {
  let at = 0;
  let count = 0;
  while (at < packed.length && count < maxRecords) {
    at = recordEnd(packed, at);
    count++;
  }
  return { head: { count, packed: packed.subarray(0, at) }, rest: at < packed.length ? packed.subarray(at) : null };
}

/** Walks a packed batch; key and value are views into it, nothing is copied. */
export function* unpackConsumed(packed: Buffer): Generator<ConsumedRecord> {
  let at = 0;
  while (at < packed.length) {
    const end = recordEnd(packed, at);
    const traceState = packed[at + kConsumedAt.traceState];
    const keyStart = at + kConsumedHeaderBytes + (traceState === kTracePresent ? kTraceBlockBytes : 0);
    const valueStart = keyStart + packed.readUInt32LE(at);
    yield {
      key: packed.subarray(keyStart, valueStart),
      value: packed.subarray(valueStart, end),
      partition: packed.readInt32LE(at + kConsumedAt.partition),
      offset: packed.readDoubleLE(at + kConsumedAt.offset),
      receivedAtUs: packed.readDoubleLE(at + kConsumedAt.receivedAtUs),
      timestampMs: packed.readDoubleLE(at + kConsumedAt.timestampMs),
      timestampType: kTimestampTypes[packed[at + kConsumedAt.timestampType]!] ?? 'none',
      trace: traceState === kTracePresent ? readTraceBlock(packed, at + kConsumedHeaderBytes) : traceState === kTraceUnreadable ? 'unreadable' : null,
    };
    at = end;
  }
}

function readTraceBlock(packed: Buffer, at: number): RecordTrace {
  return {
    runId: packed.toString('hex', at + kTraceBlockAt.runId, at + kTraceBlockAt.runId + 8),
    deviceId: packed.readUInt32LE(at + kTraceBlockAt.deviceId),
    seq: packed.readDoubleLE(at + kTraceBlockAt.seq),
    intendedSendUs: packed.readDoubleLE(at + kTraceBlockAt.intendedSendUs),
  };
}

/** Header and trace-block bytes of the record at `at`: where its key starts, from `at`. */
export function consumedPrefixBytes(packed: Buffer, at: number): number {
  return kConsumedHeaderBytes + (packed[at + kConsumedAt.traceState] === kTracePresent ? kTraceBlockBytes : 0);
}

function recordEnd(packed: Buffer, at: number): number {
  if (packed.length - at < kConsumedHeaderBytes) throw new Error(`packed consumed batch is truncated: ${packed.length - at} bytes left at byte ${at}, less than a header`);
  const end = at + consumedPrefixBytes(packed, at) + packed.readUInt32LE(at) + packed.readUInt32LE(at + 4);
  if (end > packed.length) throw new Error(`packed consumed batch is truncated: the record at byte ${at} ends at ${end}, past ${packed.length}`);
  return end;
}
