import { decodeHdrCounts } from '../histogram/hdr-decode.js';
import { any, arrayOf, bool, isPlainObject, nullable, num, object, oneOf, optional, recordOf, str, type Check } from '../shape.js';

/**
 * The shape of the result files stampede reads back (report, diff, merge): every field those
 * readers use, checked before any is, so a file of the wrong shape is one line naming the field
 * rather than a TypeError. Histograms are decoded once here, within our layout's bounds.
 */

const hdrField: Check = (value, path) => {
  const problem = str(value, path);
  if (problem !== null) return problem;
  try {
    decodeHdrCounts(value as string);
    return null;
  } catch (err) {
    return `${path} is not a usable HdrHistogram: ${(err as Error).message}`;
  }
};

const negative = optional(object({ count: num, meanUs: num }));

const latencySummary = { count: num, p50: num, p95: num, p99: num, p999: num, max: num, mean: num };
const latency = object({ ...latencySummary, hdr: hdrField, negative });
/** --transactional commit latency: the summary, and an HDR encoding when it has one */
const commitLatency = object({ ...latencySummary, hdr: optional(hdrField) });

const shard = object({ index: num, firstDevice: num, deviceCount: num, records: optional(nullable(num)), rateRecordsPerSec: optional(nullable(num)) });

const intervalRow = object({
  elapsedMs: num,
  phase: str,
  recordsPerSec: num,
  mbPerSec: num,
  p50Us: num,
  p99Us: num,
  maxUs: num,
  errors: num,
  backpressureWaits: num,
  totalSent: num,
  totalAcked: num,
  consumedPerSec: optional(num),
  lagRecords: optional(num),
  e2eP99Us: optional(num),
  stages: optional(arrayOf(object({ name: str, recordsPerSec: num, p99Us: nullable(num), processorLagRecords: nullable(num) }))),
});

/** one observed stage (--observe), as the summary, CSV, HTML and thresholds read it */
const stageEntry = object({
  name: str,
  topic: str,
  expect: str,
  trace: str,
  records: num,
  recordsPerSec: num,
  latency: nullable(object({ ...latencySummary, hdr: hdrField })),
  integrity: object({ lost: nullable(num), duplicates: nullable(num), outOfOrder: nullable(num), foreign: nullable(num), foreignUnknownReason: optional(nullable(str)), passedShare: nullable(num) }),
  processorLag: nullable(object({ group: str, input: str, lastRecords: nullable(num), maxRecords: nullable(num) })),
});

/** one agent of a --hosts run, as the per-host table reads it */
const hostRow = object({
  name: str,
  status: str,
  failure: nullable(str),
  slice: shard,
  totals: object({ sent: num, acked: num, errors: num }),
  recordsPerSec: num,
  produceAck: object({ p99: num }),
  clock: object({ offsetUs: num, uncertaintyUs: num }),
  goAfterFirstUs: nullable(num),
});

const hostFacts = object({ hostname: str, cpus: num, cpuModel: str, memoryBytes: num, platform: str, release: str, arch: str });
const runtime = object({ name: str, version: str });

export const runResultShape: Check = object({
  tool: object({ name: str, version: str }),
  status: oneOf('ok', 'failed', 'interrupted', 'timed-out', 'not-valid', 'integrity-failed'),
  startedAt: str,
  finishedAt: str,
  notices: arrayOf(str),
  failures: arrayOf(object({ worker: num, code: str, message: str })),
  workload: object({ warmupMs: num, format: str, recordSizeBytes: num, producerProps: optional(recordOf(any)) }),
  plan: arrayOf(shard),
  sentPerShard: optional(arrayOf(num)),
  librdkafka: recordOf(any),
  librdkafkaVersion: nullable(str),
  topic: nullable(object({ name: str, partitions: num, created: bool })),
  runtime,
  host: hostFacts,
  totals: object({ sent: num, acked: num, errors: num, backpressureWaits: num, blockedMicros: optional(num), sendMicros: num, durationMs: num, measuredAcked: num, recordsPerSec: num, mbPerSec: num }),
  latency: object({ produceAck: object({ ...latencySummary, hdr: hdrField, negative, clamped: optional(num) }), publishDelay: nullable(latency), endToEnd: nullable(latency), commit: optional(commitLatency) }),
  integrity: nullable(object({ consumed: num, uniqueRecords: num, lost: num, duplicates: num, outOfOrder: num, devicesWithGaps: num })),
  partitions: nullable(object({ perPartition: arrayOf(num), balancePct: num })),
  validity: object({ valid: bool, reason: nullable(str), askedRecordsPerSec: optional(nullable(num)), achievedPct: optional(nullable(num)) }),
  intervals: arrayOf(intervalRow),
  stages: optional(arrayOf(stageEntry)),
  thresholds: optional(arrayOf(object({ threshold: str, metric: str, observed: nullable(num), unit: str, pass: bool }))),
  hosts: optional(arrayOf(hostRow)),
  fleet: optional(object({ clockSkewBoundUs: num, maxClockSkewUs: num, clockSkewExceeded: bool, goSpreadUs: nullable(num) })),
  instance: optional(object({ id: nullable(num), count: num, runId: str, slice: optional(nullable(shard)) })),
});

export const compareResultShape: Check = object({ modes: object({ micro: runResultShape, broker: runResultShape, endToEnd: runResultShape }) });

const benchMaxRow = object({ tool: str, label: optional(str), recordsPerSec: num, mbPerSec: num, p50Ms: nullable(num), p99Ms: nullable(num), error: optional(str) });

export const benchMaxResultShape: Check = object({
  bootstrap: str,
  recordSizeBytes: num,
  partitions: num,
  librdkafka: recordOf(any),
  host: hostFacts,
  runtime,
  sweep: arrayOf(benchMaxRow),
  peers: arrayOf(benchMaxRow),
  rounds: num,
  latencyTracking: optional(object({ costPct: nullable(num) })),
});

/** Which kind a document claims to be: its `kind`, else a run by its three main fields. */
export function claimedKind(doc: unknown): 'compare' | 'bench-max' | 'run' | null {
  if (!isPlainObject(doc)) return null;
  if (doc['kind'] === 'compare') return 'compare';
  if (doc['kind'] === 'bench-max') return 'bench-max';
  if ('totals' in doc && 'latency' in doc && 'intervals' in doc) return 'run';
  return null;
}

