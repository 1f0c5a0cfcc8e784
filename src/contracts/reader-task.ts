import type { ReadOutcome, ThreadFailure } from './read-outcome.js';
import type { RecordFormat } from '../records/codec.js';
import type { FormatChoice } from '../verify/sink.js';

/** One `stampede consume` reader thread's job (structured-clone friendly). */
export interface ReaderTask {
  index: number;
  topic: string;
  groupId: string;
  /** librdkafka consumer properties: connection, --consumer-props, group.id, auto.offset.reset */
  librdkafka: Record<string, string>;
  /** null: count records without decoding them; auto: decided on the first batch (src/verify/detect.ts) */
  format: FormatChoice | null;
  /** partitions of the topic when the run started: the width of this reader's row in partitionCounts */
  partitions: number;
  /** Float64 records read per partition, cumulative, `partitions` slots per reader (reader i at i × partitions) */
  partitionCounts: SharedArrayBuffer;
  /** consumed counts and bytes, and record age (receive − the send time a stampede record carries), one region per reader */
  regions: SharedArrayBuffer;
  /** poll-to-poll gap histograms, one region per reader */
  pollGaps: SharedArrayBuffer;
  /** Int32 control slots (kConsumer* in shared/layout.ts) */
  control: SharedArrayBuffer;
  /** Float64 per-reader stats (kReader* in shared/layout.ts): lag, join time */
  stats: SharedArrayBuffer;
}

export type ReaderTaskResult =
  | (ReadOutcome & {
      /** the format its records were decoded as; null when they were only counted (--format none, or auto found records that are not stampede's); undefined when it read none */
      decodedAs: RecordFormat | null | undefined;
    })
  | ThreadFailure;
