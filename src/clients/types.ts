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
  /** Resolves when every enqueued record is acknowledged or failed, or the timeout passes. */
  flush(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export interface ClientContext {
  topic: string;
  /** librdkafka properties in force, bootstrap.servers included */
  librdkafka: Record<string, string>;
  region: RegionWriter;
  /** false: skip recording produce→ack latency (to measure what recording costs) */
  trackLatency: boolean;
}
