import type { ReadOutcome, ThreadFailure } from './read-outcome.js';
import type { FormatChoice } from '../verify/sink.js';
import type { ModelIdentity } from '../models/identity.js';
import type { TestCrash } from './test-crash.js';
import type { StageTrace } from '../options/stages.js';

/** One end-to-end consumer thread's job (structured-clone friendly). */
export interface E2eConsumerTask {
  index: number;
  topic: string;
  groupId: string;
  /** librdkafka consumer properties, bootstrap.servers included */
  librdkafka: Record<string, string>;
  format: FormatChoice;
  /** a device model's run: where its values carry device, seq and send time (format is then unused) */
  identity?: ModelIdentity;
  /** e2e latency histograms and consumed counts, one region per consumer (same layout as producers') */
  regions: SharedArrayBuffer;
  /** Int32 slots, see kConsumer* in shared/layout.ts */
  control: SharedArrayBuffer;
  /** Float64 per partition, shared by the group (src/verify/shared-offsets.ts): the next offset any member has read */
  positions: SharedArrayBuffer;
  /** Float64 per partition: the run's first offsets, noted by the first members; one that joins later (--consumer-churn) reads them here */
  startOffsets: SharedArrayBuffer;
  /** true for a member added during the run: the topic's ends have moved, so it takes the noted start offsets */
  joinsLate?: boolean;
  /** an observed stage (--observe): its name and where its records carry their trace; absent for --e2e, which reads stampede's own records */
  stage?: {
    name: string;
    trace: StageTrace;
    /** the run's trace-header run id (16 hex digits): a header of another run is foreign */
    runId?: string | undefined;
    /** the run's device ids [first, first + count): a record naming another device is foreign */
    devices?: { first: number; count: number } | undefined;
  };
  /** test hook only ($STAMPEDE_TEST_FAULT, src/contracts/test-crash.ts): this consumer crashes on purpose */
  crash?: TestCrash;
}

export type E2eConsumerTaskResult =
  | (ReadOutcome & {
      skippedOlder: number;
      /** records delivered again at offsets already read (after a rebalance) */
      reread: number;
      /** CPU µs from ready to stop: the polling thread's own (poll, decode, checks) and librdkafka's threads of this consumer; -1 where unmeasured */
      cpuUs?: { polling: number; librdkafka: number };
      /** a stage only: records with no trace of this run, and records with one */
      foreign?: number;
      traced?: number;
      /** a stage only: traced records that named no run or device (a bare timestamp), so could not be told foreign or not */
      unidentified?: number;
    })
  | ThreadFailure;
