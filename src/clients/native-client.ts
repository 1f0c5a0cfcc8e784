import { setTimeout as sleep } from 'node:timers/promises';
import { StampedeError } from '../errors.js';
import { loadNative, type NativeProducer } from '../native/load.js';
import type { RecordBatch } from '../records/batch.js';
import { kAckedSlot, kFailedSlot } from '../shared/layout.js';
import type { ClientContext, DeliveryErrors, ProducerClient } from './types.js';
import type { TransactionalClient } from './types.js';

const kConnectTimeoutMs = 15_000;
const kQueueFullWaitMs = 1;
/**
 * librdkafka's statistics, read natively only for produce retries (`txretries`): every 1 s unless
 * the user set statistics.interval.ms. A document a second per producer costs next to nothing.
 */
const kStatisticsIntervalMs = '1000';
/** Batches that may wait for the native pacer: with ~10 ms of records each, far more than the lookahead needs. */
const kPacerQueueBatches = 64;
const kSettlePollMs = 1;

/**
 * Our own Node-API producer (native/): one crossing into native code per batch, delivery reports
 * counted and timed on a native thread straight into this worker's shared region. Loads in every
 * worker thread at once. JS writes only the sent and backpressure slots; the addon the rest.
 */
export class NativeClient implements ProducerClient {
  readonly name = 'native';
  private readonly producer: NativeProducer;
  private readonly view: Float64Array;
  /** acked + failed in the region before this client wrote anything */
  private readonly settledBefore: number;
  /** records handed to librdkafka: enqueued, or refused and counted as failed */
  private handed = 0;

  constructor(private readonly context: ClientContext) {
    this.view = context.region.view;
    this.settledBefore = this.settled();
    const { NativeProducer } = loadNative();
    try {
      const librdkafka = { 'statistics.interval.ms': kStatisticsIntervalMs, ...context.librdkafka };
      this.producer = new NativeProducer(librdkafka, context.topic, this.view, { trackLatency: context.trackLatency, ...(context.traceRunId === undefined ? {} : { traceRunId: Buffer.from(context.traceRunId, 'hex') }) });
    } catch (err) {
      // The addon names the property: "producer property linger.mss=5 rejected: No such configuration property: \"linger.mss\"".
      throw new StampedeError('E_CLIENT', (err as Error).message, { cause: err });
    }
    if (context.publishDelays) {
      this.producer.startPacing(context.publishDelays.view, kPacerQueueBatches);
      this.sendPaced = this.pace;
    }
  }

  sendPaced?: (batch: RecordBatch) => Promise<void>;

  /** librdkafka's transactional API (native/src/transactions.rs); its errors become the worker's failure. */
  readonly transactions: TransactionalClient = {
    initTransactions: (timeoutMs) => this.transactionCall(() => this.producer.initTransactions(timeoutMs)),
    beginTransaction: () => this.transactionCall(() => this.producer.beginTransaction()),
    commitTransaction: (timeoutMs) => this.transactionCall(() => this.producer.commitTransaction(timeoutMs)),
    abortTransaction: (timeoutMs) => this.transactionCall(() => this.producer.abortTransaction(timeoutMs)),
  };

  private transactionCall<T>(call: () => T): T {
    try {
      return call();
    } catch (err) {
      throw new StampedeError('E_CLIENT', `transaction: ${(err as Error).message}`, { exitCode: 1, cause: err });
    }
  }

  /** Fixed rate: the addon's pacer enqueues each record at its intended time (native/src/pacer.rs). */
  private readonly pace = async (batch: RecordBatch): Promise<void> => {
    let accepted: boolean;
    try {
      accepted = this.producer.paceBatch(batch.packed);
    } catch (err) {
      throw new StampedeError('E_CLIENT', (err as Error).message, { exitCode: 1, cause: err });
    }
    while (!accepted) {
      // The pacer holds enough already: its queue frees as records fall due.
      await sleep(kQueueFullWaitMs);
      accepted = this.producer.paceBatch(batch.packed);
    }
    this.handed += batch.count;
  };

  async connect(): Promise<void> {
    try {
      this.producer.fetchTopicMetadata(kConnectTimeoutMs);
    } catch (err) {
      throw new StampedeError('E_BROKER_UNREACHABLE', `native client could not reach ${this.context.librdkafka['bootstrap.servers']}: ${(err as Error).message}`, { cause: err });
    }
  }

  async send(batch: RecordBatch): Promise<void> {
    const { packed } = batch;
    let at = 0;
    let refusal: string | undefined;
    let refused = 0;
    while (at < packed.length) {
      const outcome = this.producer.produceBatch(packed, at, batch.fromIntended);
      this.handed += outcome.records + outcome.rejected;
      refused += outcome.rejected;
      refusal ??= outcome.error;
      at = outcome.nextByte;
      if (outcome.queueFull) {
        const blockedSinceMs = performance.now();
        this.context.region.addBackpressure();
        await sleep(kQueueFullWaitMs);
        this.context.region.addBlockedMicros((performance.now() - blockedSinceMs) * 1000);
      }
    }
    // Refused records are already counted as failed, so the books balance; but a refusal is a
    // setting or record-size problem that every later record would hit too: stop the run.
    if (refused > 0) throw new StampedeError('E_CLIENT', `librdkafka refused ${refused} of ${batch.count} records: ${refusal}`, { exitCode: 1 });
  }

  async flush(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // Blocks this worker thread; meanwhile the addon's own thread writes the reports into the region.
    this.producer.flush(timeoutMs);
    while (this.settled() - this.settledBefore < this.handed && Date.now() < deadline) await sleep(kSettlePollMs);
    const missing = this.handed - (this.settled() - this.settledBefore);
    if (missing > 0) {
      const lastError = this.producer.lastError;
      throw new StampedeError('E_CLIENT', `${missing} records still unacknowledged after ${timeoutMs} ms${lastError ? ` (last error: ${lastError})` : ''}`, { exitCode: 1 });
    }
  }

  async close(): Promise<void> {
    this.producer.close();
  }

  deliveryErrors(): DeliveryErrors {
    return { errorsByCode: this.producer.errorsByCode(), retries: this.producer.retries };
  }

  private settled(): number {
    return this.view[kAckedSlot]! + this.view[kFailedSlot]!;
  }
}
