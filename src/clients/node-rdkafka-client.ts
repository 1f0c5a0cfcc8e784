import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { StampedeError } from '../errors.js';
import { unpackBatch, type RecordBatch } from '../records/batch.js';
import { wallClockUs } from '../runtime.js';
import { ackLogFrom } from './ack-log.js';
import type { ClientContext, ProducerClient } from './types.js';

// node-rdkafka is loaded only here, lazily, and only on the main thread: it is not context-aware
// (a second load fails with "Module did not self-register") and its delivery-report dispatcher
// calls into JS from the main loop, which aborts V8 when the producer lives in a worker thread.
const require = createRequire(import.meta.url);

/**
 * node-rdkafka, an optional dependency: its install compiles librdkafka (a C compiler, make and
 * Python), so a machine without them installs stampede without it and only this client is missing.
 */
export function requireNodeRdkafka<T>(): T {
  try {
    return require('node-rdkafka') as T;
  } catch (err) {
    const code = (err as { code?: string }).code;
    const reason = code === 'MODULE_NOT_FOUND' ? 'it is not installed' : `it does not load (${(err as Error).message.split('\n')[0]})`;
    throw new StampedeError('E_CLIENT', `--client node-rdkafka needs the node-rdkafka package and ${reason}: \`npm install node-rdkafka\` beside stampede builds it (a C compiler, make and Python); --client native needs none of them`);
  }
}

const kQueueFullCode = -184; // RD_KAFKA_RESP_ERR__QUEUE_FULL
const kConnectTimeoutMs = 15_000;

interface DeliveryReport {
  opaque: number;
  size: number;
  key?: Buffer | string | null;
}

interface RdkafkaProducer {
  connect(options: { timeout: number }, callback: (err: Error | null) => void): void;
  produce(topic: string, partition: number | null, value: Buffer, key: Buffer | null, timestamp: number | null, opaque: number): boolean;
  poll(): void;
  flush(timeoutMs: number, callback: (err: Error | null) => void): void;
  disconnect(callback: (err: Error | null) => void): void;
  on(event: 'delivery-report', listener: (err: Error | null, report: DeliveryReport) => void): void;
  on(event: 'event.error', listener: (err: Error) => void): void;
}

/**
 * The node-rdkafka reference client: one produce() per record and one JS delivery report per
 * record, as node-rdkafka allows. It is the Node baseline, limited to the main thread.
 */
export class NodeRdkafkaClient implements ProducerClient {
  readonly name = 'node-rdkafka';
  private readonly producer: RdkafkaProducer;
  private enqueued = 0;
  private settled = 0;
  private lastError: Error | undefined;
  /** the test hook of ./ack-log.ts, when its variable is set */
  private readonly ackLog = ackLogFrom(process.env);

  constructor(private readonly context: ClientContext) {
    const Kafka = requireNodeRdkafka<{ Producer: new (conf: Record<string, unknown>) => RdkafkaProducer }>();
    try {
      this.producer = new Kafka.Producer({ ...context.librdkafka, dr_cb: true });
    } catch (err) {
      // librdkafka names the property in its message: "No such configuration property: \"x\"".
      throw new StampedeError('E_CLIENT', `producer property rejected by librdkafka: ${(err as Error).message}`);
    }
    this.producer.on('delivery-report', (err, report) => {
      this.settled++;
      const { region } = this.context;
      if (err) {
        region.addFailed(1);
        this.lastError = err;
        return;
      }
      if (this.context.trackLatency) {
        const latencyUs = (performance.now() - report.opaque) * 1000;
        region.recordLatencyUs(latencyUs);
        this.ackLog?.add(latencyUs);
      }
      region.addAcked(1, report.size + (report.key?.length ?? 0));
    });
    this.producer.on('event.error', (err) => {
      this.lastError = err;
    });
  }

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.producer.connect({ timeout: kConnectTimeoutMs }, (err) =>
        err ? reject(new StampedeError('E_BROKER_UNREACHABLE', `node-rdkafka could not connect to ${this.context.librdkafka['bootstrap.servers']}: ${err.message}`)) : resolve(),
      );
    });
  }

  async send(batch: RecordBatch): Promise<void> {
    const { topic, region } = this.context;
    for (const record of unpackBatch(batch.packed)) {
      // Stamped per record: node-rdkafka's produce() costs microseconds, so a batch stamp would
      // charge early records for the enqueueing of later ones.
      let blockedSinceMs: number | undefined;
      for (;;) {
        try {
          // At a fixed rate the clock starts at the record's intended send time, however late we
          // are (never clamped: the worker hands no record over before its time).
          const lateMs = batch.fromIntended ? (wallClockUs() - record.intendedSendUs) / 1000 : 0;
          this.producer.produce(topic, null, record.value, record.key, null, performance.now() - lateMs);
          this.enqueued++;
          break;
        } catch (err) {
          if ((err as { code?: number }).code !== kQueueFullCode) throw err;
          // QUEUE_FULL is backpressure: serve delivery reports, let them run, then retry the record.
          if (blockedSinceMs === undefined) {
            blockedSinceMs = performance.now();
            region.addBackpressure();
          }
          this.producer.poll();
          await sleep(1);
        }
      }
      if (blockedSinceMs !== undefined) region.addBlockedMicros((performance.now() - blockedSinceMs) * 1000);
    }
    this.producer.poll();
    // Let queued delivery-report events run between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }

  async flush(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await new Promise<void>((resolve) => this.producer.flush(timeoutMs, () => resolve()));
    // flush() returns once librdkafka's queue is empty; the reports may still be on their way to JS.
    while (this.settled < this.enqueued && Date.now() < deadline) {
      this.producer.poll();
      await sleep(5);
    }
    if (this.settled < this.enqueued) {
      throw new StampedeError('E_CLIENT', `${this.enqueued - this.settled} records still unacknowledged after ${timeoutMs} ms${this.lastError ? ` (last error: ${this.lastError.message})` : ''}`, { exitCode: 1 });
    }
  }

  close(): Promise<void> {
    this.ackLog?.write();
    return new Promise((resolve) => this.producer.disconnect(() => resolve()));
  }
}
