import type { LatencySummary } from '../histogram/merge.js';
import type { ConsumeWorkload } from '../options/consume-workload.js';
import type { HostFacts } from '../runtime.js';
import type { IntegritySummary } from '../verify/sequence-tracker.js';
import type { WorkerFailure } from './result.js';

/** One interval of a consume run: rates in that interval alone, lag and totals at its end. */
export interface ConsumeIntervalRow {
  elapsedMs: number;
  /** join: the group does not cover every partition yet (its first members already read) */
  phase: 'join' | 'measure';
  recordsPerSec: number;
  mbPerSec: number;
  lagRecords: number;
  /** members that hold partitions at the interval's end (the rest are still joining, or have none) */
  membersReading: number;
  pollIntervalP50Us: number;
  pollIntervalP99Us: number;
  pollIntervalMaxUs: number;
  /** records read from each partition in this interval */
  perPartition: number[];
  totalConsumed: number;
}

/** The JSON result of `stampede consume` (schemaVersion 1). Latencies in µs, rates per second. */
export interface ConsumeResult {
  schemaVersion: 1;
  kind: 'consume';
  tool: { name: 'stampede'; version: string };
  status: 'ok' | 'failed' | 'interrupted' | 'timed-out' | 'integrity-failed';
  startedAt: string;
  finishedAt: string;
  notices: string[];
  failures: WorkerFailure[];
  workload: ConsumeWorkload;
  groupId: string;
  librdkafka: Record<string, string>;
  librdkafkaVersion: string;
  topic: { name: string; partitions: number };
  runtime: { name: string; version: string };
  host: HostFacts;
  /** ms each consumer took from subscribing to its first assignment (0: it never got one), and until the group covered every partition (null: the run ended first) */
  join: { perConsumerMs: number[]; groupCoveredMs: number | null };
  totals: {
    /** whole run, the join included */
    consumed: number;
    bytes: number;
    /** the measured window: from the first member's first assignment to the stop (the readers told to stop; their leaving the group is not in it) */
    durationMs: number;
    /** records read by the stop: the rates' numerator */
    measuredConsumed: number;
    recordsPerSec: number;
    /** 10^6 bytes of key + value per second */
    mbPerSec: number;
    /** records between the group's positions and the end of the topic when it stopped */
    lagAtEnd: number;
  };
  latency: {
    /** how often each consumer called poll, start to start */
    pollInterval: LatencySummary & { unit: 'us'; hdr: string };
    /** receive time − the send time a stampede record carries (how old a record was when read); null when records were not decoded */
    recordAge: (LatencySummary & { unit: 'us'; hdr: string }) | null;
  };
  /** stampede's records only: every device's sequence as read (a gap is a lost record) */
  integrity: (IntegritySummary & { decodeErrors: number }) | null;
  partitions: { perPartition: number[]; balancePct: number };
  intervals: ConsumeIntervalRow[];
}
