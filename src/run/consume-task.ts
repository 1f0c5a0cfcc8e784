import type { DeviceSequences } from '../verify/sequence-tracker.js';
import type { FormatChoice } from '../verify/sink.js';

/** One `stampede consume` reader thread's job (structured-clone friendly). */
export interface ReaderTask {
  index: number;
  topic: string;
  groupId: string;
  /** librdkafka consumer properties: connection, --consumer-props, group.id, auto.offset.reset */
  librdkafka: Record<string, string>;
  /** null: count records without decoding them */
  format: FormatChoice | null;
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
  | {
      ok: true;
      trackerDeviceIds: Float64Array;
      trackerStates: DeviceSequences[];
      partitionCounts: [number, number][];
      decodeErrors: number;
      firstDecodeError: string | null;
    }
  | { ok: false; code: string; message: string; exitCode: number };
