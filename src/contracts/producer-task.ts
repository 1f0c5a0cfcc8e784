import type { ClientName } from '../clients/create.js';
import type { Shard } from '../plan/shard.js';
import type { RecordFormat } from '../records/codec.js';
import type { ModelSpec } from '../models/spec.js';
import type { SchemaEncoderSpec } from '../encodings/value-schema.js';
import type { ProducerPause } from '../options/parse.js';
import type { ArrivalLaw } from '../records/arrival.js';
import type { RateSegment } from '../records/rate-profile.js';
import type { DeliveryErrors } from '../clients/types.js';
import type { TestCrash } from './test-crash.js';
import type { ErrorCodeSample } from './faults.js';
import type { TransactionLedger, TransactionSettings } from './transactions.js';

/** Everything a producer worker needs; structured-clone friendly (crosses into the worker thread). */
export interface ProducerTask {
  shard: Shard;
  client: ClientName;
  topic: string;
  librdkafka: Record<string, string>;
  format: RecordFormat;
  recordSizeBytes: number;
  /** a device model's fields instead of the built-in simulator (absent: the simulator, in `format`) */
  model?: ModelSpec;
  /** an avro or protobuf model's schema and the registry's header, settled by the coordinator */
  valueSchema?: SchemaEncoderSpec;
  /** 'none': null keys (librdkafka's sticky partitioner); absent or 'device': keyed by device id */
  keys?: 'none' | 'device';
  /** per-worker thread CPU (src/shared/layout.ts kThreadCpuUsSlot…), written by the worker itself; absent for sources without it */
  threadStats?: SharedArrayBuffer;
  batchRecords: number;
  seed: number;
  /** at a fixed rate: when records are due */
  arrival: ArrivalLaw;
  /**
   * --stages / --steps: the total rate over time after a warmup at the first level's rate; a worker
   * follows it scaled by its shard's share of the peak (shard rate ÷ peakRecordsPerSec).
   */
  loadSchedule?: { segments: RateSegment[]; warmupMs: number; warmupRecordsPerSec: number; peakRecordsPerSec: number };
  trackLatency: boolean;
  stall: ProducerPause | undefined;
  /** test hook only ($STAMPEDE_TEST_FAULT, src/contracts/test-crash.ts): this thread crashes on purpose */
  crash?: TestCrash;
  /** Time to wait for the last acks after the worker stops sending */
  flushTimeoutMs: number;
  regions: SharedArrayBuffer;
  /** publish delay (intended → actual send) histograms, one region per worker, fixed-rate runs only */
  publishDelays: SharedArrayBuffer;
  control: SharedArrayBuffer;
  /** wall clock (µs) the go offset in the control block counts from */
  controlBaseWallUs: number;
  /** `--record-trace header`: the run's trace id (16 hex digits); absent for value and none */
  traceRunId?: string;
  /** --transactional: write in transactions (src/load/transaction-driver.ts) */
  transactions?: TransactionSettings;
  /** a run with faults on a local cluster: read the client's failures by error name at every interval's end (ms), for each fault's window */
  errorCodesEveryMs?: number;
}

/** A worker never rejects: failures come back as data so their code and message survive the thread hop. */
export type ProducerTaskResult = ({ ok: true; sent: number } | { ok: false; sent: number; code: string; message: string; exitCode: number }) & {
  /** wall clock (µs) when every record of the worker had settled (its flush returned); absent on failure */
  settledAtWallUs?: number;
  /** fixed rate: the rate the worker's arrival schedule made due (realised, for Poisson) */
  scheduledRecordsPerSec?: number;
  /** failed records by librdkafka error name, and produce retries (clients that can tell: native) */
  deliveryErrors?: DeliveryErrors;
  /** with errorCodesEveryMs: deliveryErrors' counts over time, when they changed */
  errorCodeTimeline?: ErrorCodeSample[];
  /** --transactional: what this thread committed and aborted (shard record-index ranges), and its commit latency */
  transactions?: TransactionLedger;
};
