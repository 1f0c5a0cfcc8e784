import type { RecordBatch } from '../records/batch.js';
import type { RegionWriter } from '../shared/region.js';

/**
 * What a worker drives. A client counts acks and failures and records produce→ack latency into the
 * worker's shared region itself, so no per-record result ever travels back through JS promises.
 */
export interface ProducerClient {
  readonly name: string;
  connect(): Promise<void>;
  /** Resolves once every record of the batch is enqueued; waits (never drops) when the queue is full. */
  send(batch: RecordBatch): Promise<void>;
  /**
   * Present on clients that pace natively at a fixed rate (the native client, when the context asks
   * for pacing): hands a batch generated ahead; each record enters librdkafka at its intendedSendUs,
   * never before, and its publish delay is written by the client. Resolves once the batch is queued
   * for pacing (waits while the pacer's queue is full). Absent: the worker paces in JS slices.
   */
  sendPaced?(batch: RecordBatch): Promise<void>;
  /** Resolves when every enqueued record is acknowledged or failed, or the timeout passes. */
  flush(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
  /** After close: failed records by librdkafka error name, and produce retries; absent on clients that cannot tell. */
  deliveryErrors?(): DeliveryErrors;
  /** Present on clients that can write Kafka transactions (native); --transactional is refused for the others. */
  readonly transactions?: TransactionalClient;
}

export interface DeliveryErrors {
  errorsByCode: Record<string, number>;
  retries: number;
}

export interface ClientContext {
  topic: string;
  /** librdkafka properties in force, bootstrap.servers included */
  librdkafka: Record<string, string>;
  region: RegionWriter;
  /** false: skip recording produce→ack latency (to measure what recording costs) */
  trackLatency: boolean;
  /** Fixed rate: this worker's publish-delay region, for a client that paces natively (native). */
  publishDelays?: RegionWriter;
  /**
   * `--record-trace header`: the run's id (16 hex digits). Batches then have the traced layout
   * (src/records/batch.ts) and each record goes out with a `stampede.trace` header.
   */
  traceRunId?: string;
}

/** What a client that can write transactions offers (the native client); calls block the worker thread. */
export interface TransactionalClient {
  initTransactions(timeoutMs: number): void;
  beginTransaction(): void;
  /** 'aborted' when librdkafka made the commit fail with an abortable error and the client aborted instead */
  commitTransaction(timeoutMs: number): 'committed' | 'aborted';
  /** flushes (every record of the transaction acknowledged), then aborts */
  abortTransaction(timeoutMs: number): void;
}
