import { encodeHdr, newHdrHistogram, summarize } from '../../src/histogram/merge.js';
import type { CompareResult } from '../../src/experiments/compare.js';
import type { IntervalRow, RunResult } from '../../src/contracts/result.js';
import { resolveWorkload } from '../../src/options/workload.js';
import { hostFacts } from '../../src/runtime.js';
import { prng as seededRandom } from './random.js';

/** A latency block as a run writes it, from `count` log-normal-ish values around `medianUs`. */
function latency(count: number, medianUs: number, seed: number): RunResult['latency']['produceAck'] {
  const histogram = newHdrHistogram();
  const random = seededRandom(seed);
  for (let i = 0; i < count; i++) histogram.recordValue(Math.max(1, Math.round(medianUs * Math.exp(0.6 * Math.log(1 / (1 - random())) - 0.2))));
  return { ...summarize(histogram), unit: 'us', measuredFrom: 'send', clamped: 0, negative: { count: 0, meanUs: 0 }, hdr: encodeHdr(histogram) };
}

/**
 * A plausible run result built without a broker: 12 intervals (2 warmup, 9 measured, 1 drain),
 * histograms recorded from a seeded distribution, optionally with --e2e blocks and partitions.
 */
export function fakeRunResult(options: { recordsPerSec?: number; medianUs?: number; e2e?: boolean; stages?: boolean; seed?: number; levels?: number[] } = {}): RunResult {
  const rate = options.recordsPerSec ?? 400_000;
  const medianUs = options.medianUs ?? 20_000;
  const seed = options.seed ?? 7;
  const random = seededRandom(seed + 1);
  const intervals: IntervalRow[] = [];
  let acked = 0;
  for (let i = 1; i <= 12; i++) {
    const phase = i <= 2 ? 'warmup' : i === 12 ? 'drain' : 'measure';
    const perSec = Math.round(rate * (phase === 'drain' ? 0.3 : 0.9 + 0.2 * random()));
    acked += perSec;
    intervals.push({
      elapsedMs: i * 1000, phase, recordsPerSec: perSec, mbPerSec: perSec * 174 / 1e6, p50Us: Math.round(medianUs * (0.9 + 0.2 * random())), p99Us: Math.round(medianUs * (3 + random())),
      maxUs: medianUs * 5, errors: 0, backpressureWaits: 0, totalSent: acked, totalAcked: acked,
      ...(options.e2e ? { consumedPerSec: perSec, lagRecords: Math.round(perSec * 0.05), e2eP99Us: Math.round(medianUs * 4) } : {}),
      ...(options.stages ? { stages: fakeStageColumns(perSec, medianUs, i) } : {}),
    });
  }
  const workload = resolveWorkload({}, { devices: 1000, 'command-property': ['sasl.password=hunter2-secret'] });
  const produceAck = latency(20_000, medianUs, seed);
  const endToEnd = options.e2e ? { ...latency(20_000, medianUs * 1.3, seed + 2) } : null;
  return {
    schemaVersion: 1,
    tool: { name: 'stampede', version: '0.1.0' },
    status: 'ok',
    startedAt: '2026-11-23T10:00:00.000Z',
    finishedAt: '2026-11-23T10:00:12.000Z',
    notices: [],
    failures: [],
    workload: { ...workload, effectiveWorkers: 2 },
    plan: [],
    librdkafka: { 'linger.ms': '100', 'sasl.password': 'hunter2-secret' },
    librdkafkaVersion: '2.12.0',
    topic: { name: 'stampede-iot', partitions: 6, created: true },
    runtime: { name: 'node', version: process.versions.node },
    host: hostFacts(),
    totals: { sent: acked, acked, errors: 0, backpressureWaits: 0, blockedMicros: 0, sendMicros: 1000, durationMs: 10_000, measuredAcked: Math.round(rate * 10), recordsPerSec: rate, mbPerSec: (rate * 174) / 1e6 },
    latency: { produceAck, publishDelay: null, endToEnd: endToEnd ? (({ measuredFrom: _m, clamped: _c, ...rest }) => rest)(endToEnd) : null },
    integrity: options.e2e ? { devices: 1000, uniqueRecords: acked, duplicates: 0, outOfOrder: 0, lost: 0, devicesWithGaps: 0, examples: [], consumed: acked, decodeErrors: 0, skippedOlder: 0, consumers: 2, groupId: 'g' } : null,
    partitions: options.e2e ? { perPartition: [1, 2, 3, 4, 5, 6].map((p) => Math.round(acked / 6 + p * 100)), balancePct: 99.2 } : null,
    validity: { valid: true, reason: null, reasons: [], askedRecordsPerSec: null, achievedRecordsPerSec: null, scheduledRecordsPerSec: null, achievedPct: null, blockedMs: 0 },
    intervals,
    ...(options.stages ? { stages: fakeStages(acked, rate, medianUs, seed) } : {}),
    ...(options.levels ? fakeLevels(options.levels, medianUs, seed, options.e2e === true) : {}),
  };
}

/**
 * Levels of a stepped run over the measured intervals (3..11 s), split evenly: latency rising
 * with the level, the top one not held (NOT VALID, 80 % of its target) and past the knee.
 */
function fakeLevels(targets: readonly number[], medianUs: number, seed: number, e2e: boolean): Pick<RunResult, 'levels' | 'knee'> {
  const spanMs = 9_000 / targets.length;
  const levels = targets.map((target, index) => {
    const top = index === targets.length - 1;
    const achieved = top ? target * 0.8 : target;
    const acked = Math.round((achieved * spanMs) / 1000);
    const part = (scale: number, offset: number) => (({ measuredFrom: _m, clamped: _c, ...rest }) => rest)(latency(2_000, medianUs * scale * (1 + index) ** 2, seed + offset + index));
    return {
      index, targetRecordsPerSec: target, achievedRecordsPerSec: achieved, acked, startMs: 2_000 + index * spanMs, endMs: 2_000 + (index + 1) * spanMs,
      validity: top ? { valid: false, reason: `achieved ${achieved} of ${target} rec/s asked (80.0 %)`, reasons: [], askedRecordsPerSec: target, achievedRecordsPerSec: achieved, scheduledRecordsPerSec: target, achievedPct: 80, blockedMs: 0 } : { valid: true, reason: null, reasons: [], askedRecordsPerSec: target, achievedRecordsPerSec: achieved, scheduledRecordsPerSec: target, achievedPct: 100, blockedMs: 0 },
      latency: { produceAck: part(1, 10), publishDelay: part(0.1, 20), endToEnd: e2e ? part(1.3, 30) : null },
    };
  });
  const last = targets[targets.length - 1]!;
  return { levels, knee: { highestPassedRecordsPerSec: targets.length > 1 ? targets[targets.length - 2]! : null, firstFailedRecordsPerSec: last, reason: `at ${last} rec/s: not valid` } };
}

/** Two observed stages as a pipeline run reports them: a passthrough behind a processor group, and a windowed aggregate. */
function fakeStages(acked: number, rate: number, medianUs: number, seed: number): NonNullable<RunResult['stages']> {
  const stage = (name: string, expect: 'passthrough' | 'aggregate', scale: number, seedOffset: number) => {
    const { hdr, count, p50, p95, p99, p999, max, mean } = latency(5_000, medianUs * scale, seed + seedOffset);
    return { name, topic: `${name}-topic`, expect, trace: expect === 'aggregate' ? 'timestamp' : 'header', latency: { count, p50, p95, p99, p999, max, mean, unit: 'us' as const, hdr } };
  };
  return [
    { ...stage('enriched', 'passthrough', 2, 11), records: acked, recordsPerSec: rate, integrity: { lost: 0, duplicates: 0, outOfOrder: 0, foreign: 0, foreignUnknownReason: null, passedShare: 1 }, processorLag: { group: 'enricher', input: 'stampede-iot', lastRecords: 120, maxRecords: 4_000 } },
    { ...stage('alerts', 'aggregate', 40, 12), records: 1_000, recordsPerSec: 100, integrity: { lost: null, duplicates: null, outOfOrder: null, foreign: null, foreignUnknownReason: 'an aggregate\'s outputs are computed from the input, not records of it', passedShare: null }, processorLag: null },
  ];
}

function fakeStageColumns(perSec: number, medianUs: number, interval: number): NonNullable<IntervalRow['stages']> {
  return [
    { name: 'enriched', recordsPerSec: perSec, p99Us: Math.round(medianUs * 6), processorLagRecords: 400 * (interval % 4) + 100 },
    { name: 'alerts', recordsPerSec: 100, p99Us: Math.round(medianUs * 90), processorLagRecords: null },
  ];
}

export function fakeCompareResult(): CompareResult {
  return {
    schemaVersion: 1,
    kind: 'compare',
    startedAt: '2026-11-23T10:00:00.000Z',
    modes: { micro: fakeRunResult({ recordsPerSec: 1_700_000, medianUs: 2 }), broker: fakeRunResult({ recordsPerSec: 520_000 }), endToEnd: fakeRunResult({ recordsPerSec: 350_000, e2e: true }) },
    breakdown: [],
  };
}

export function fakeBenchMaxResult(scale = 1): Record<string, unknown> {
  const row = (tool: string, recordsPerSec: number, p50Ms: number | null, p99Ms: number | null) => ({ tool, recordsPerSec: Math.round(recordsPerSec * scale), mbPerSec: (recordsPerSec * scale * 100) / 1e6, p50Ms, p99Ms, records: 1_000_000, wallMs: 10_000, cpu: { toolCores: 1, brokerCores: 0.3, machineBusyCores: 1.8, machineCores: 2 }, command: tool });
  return {
    schemaVersion: 1, kind: 'bench-max', bootstrap: '127.0.0.1:9092', recordSizeBytes: 100, partitions: 6, librdkafka: { 'linger.ms': '5' }, connection: {}, host: hostFacts(), runtime: { name: 'node', version: process.versions.node },
    sweep: [{ ...row('stampede native ×1', 590_000, 16, 160), label: 'workers=1 linger.ms=5' }],
    peers: [row('stampede native ×1', 590_000, 16, 160), row('rdkafka_performance (C)', 1_120_000, null, null), row('Kafka ProducerPerformance (Java)', 575_000, 6, 19)],
    rounds: 3, latencyTracking: { costPct: 22 },
  };
}
