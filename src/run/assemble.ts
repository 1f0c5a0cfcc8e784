import { librdkafkaVersionOf } from '../clients/create.js';
import { diffSnapshots, encodeHdr, negativeValues, summarize, toHdrHistogram, zeroSnapshot } from '../histogram/merge.js';
import { judgeValidity } from '../verdicts/validity.js';
import { summarizeTransactions } from './transactions-report.js';
import { judgeAvailability } from '../verdicts/availability.js';
import { scheduledRecordsPerSec } from './window.js';
import { levelResults, scheduleMeanRecordsPerSec } from './level-results.js';
import { hostFacts, runtimeName, runtimeVersion } from '../runtime.js';
import type { RegionSnapshot } from '../shared/region.js';
import { toolVersion } from '../version.js';
import type { EndToEndReport } from '../consume/e2e-group.js';
import type { Prepared } from './prepare.js';
import type { RunResult, WorkerFailure } from '../contracts/result.js';
import { round1, round3 } from './interval-sampler.js';
import type { Sampled } from './sample.js';
import { generatorWarning } from '../verdicts/generator-bound.js';
import type { Workload } from '../options/workload-shape.js';

/**
 * Phase 4: the result object every reporter reads (summary, JSON) from what was measured: totals and
 * rates over the measured window, merged latency, integrity, failures, and the verdict.
 */
export function assembleResult(args: {
  workload: Workload;
  prepared: Prepared;
  sampled: Sampled;
  publishDelays: RegionSnapshot | null;
  endToEnd: EndToEndReport | null;
  notices: string[];
}): RunResult {
  const { workload, prepared, sampled, endToEnd } = args;
  const { final } = sampled;
  const failures: WorkerFailure[] = [];
  sampled.consumerOutcomes.forEach((outcome, consumer) => {
    if (!outcome.ok) failures.push({ worker: consumer, code: outcome.code, message: outcome.message, exitCode: outcome.exitCode });
  });
  sampled.outcomes.forEach((outcome, worker) => {
    if (!outcome.ok) failures.push({ worker, code: outcome.code, message: outcome.message, exitCode: outcome.exitCode });
  });
  let status = sampled.status;
  if (failures.length > 0) status = 'failed';
  else if (endToEnd && (endToEnd.integrity.lost > 0 || endToEnd.integrity.duplicates > 0 || (endToEnd.integrity.abortedRead ?? 0) > 0)) status = 'integrity-failed';
  const transactions = summarizeTransactions(workload, sampled.outcomes);

  const measured = diffSnapshots(final, sampled.baseline ?? zeroSnapshot());
  const durationMs = sampled.durationMs;
  const histogram = toHdrHistogram(measured.counts);
  const publishDelay = args.publishDelays === null ? null : publishDelaySummary(args.publishDelays);
  const recordsPerSec = round1(measured.counters.acked / (durationMs / 1000));
  const schedule = workload.loadSchedule;
  const validity = judgeValidity({
    // A schedule is judged against its integral over the measured window, not its peak.
    askedRecordsPerSec: schedule ? round1(scheduleMeanRecordsPerSec(schedule)) : workload.rateRecordsPerSec,
    achievedRecordsPerSec: recordsPerSec,
    scheduledRecordsPerSec: scheduledRecordsPerSec(sampled.outcomes),
    blockedMicros: final.counters.blockedMicros,
    publishDelay,
    maxPublishDelayUs: workload.maxPublishDelayUs,
  });
  if (!validity.valid) status = status === 'ok' ? 'not-valid' : status;
  return {
    schemaVersion: 1,
    tool: { name: 'stampede', version: toolVersion },
    status,
    startedAt: sampled.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    notices: args.notices,
    failures,
    workload: { ...workload, effectiveWorkers: prepared.workers },
    plan: prepared.plan,
    sentPerShard: sampled.outcomes.map((outcome) => outcome.sent),
    librdkafka: prepared.librdkafka,
    librdkafkaVersion: librdkafkaVersionOf(workload.client),
    topic: prepared.topic,
    runtime: { name: runtimeName(), version: runtimeVersion() },
    host: hostFacts(),
    totals: {
      sent: final.counters.sent,
      acked: final.counters.acked,
      errors: final.counters.failed,
      backpressureWaits: final.counters.backpressureWaits,
      blockedMicros: Math.round(final.counters.blockedMicros),
      sendMicros: Math.round(final.counters.sendMicros),
      durationMs: Math.round(durationMs),
      measuredAcked: measured.counters.acked,
      recordsPerSec,
      mbPerSec: round3(measured.counters.ackedBytes / 1e6 / (durationMs / 1000)),
    },
    latency: {
      produceAck: {
        ...summarize(histogram),
        unit: 'us',
        measuredFrom: workload.rateRecordsPerSec === undefined ? 'send' : 'intended-send',
        clamped: measured.counters.clampedLatencies,
        negative: negativeValues(measured.counters),
        hdr: encodeHdr(histogram),
      },
      publishDelay,
      endToEnd: endToEnd?.endToEnd ?? null,
      ...(transactions ? { commit: transactions.commitLatency } : {}),
    },
    ...(transactions ? { transactions: transactions.summary } : {}),
    integrity: endToEnd ? { ...endToEnd.integrity, consumers: endToEnd.consumers, groupId: endToEnd.groupId } : null,
    partitions: endToEnd?.partitions ?? null,
    validity,
    availability: judgeAvailability(sampled.intervals, workload.intervalMs, sampled.outcomes.map((outcome) => outcome.deliveryErrors)),
    intervals: sampled.intervals,
    ...(schedule && sampled.levelMarks ? { levels: levelResults(schedule, sampled.levelMarks, workload.maxPublishDelayUs) } : {}),
    generator: {
      ...sampled.generator,
      cpuSecPerMillionAcked: measured.counters.acked > 0 ? round3((sampled.generator.processCpuSec * 1e6) / measured.counters.acked) : null,
      warning: generatorWarning(sampled.intervals.filter((row) => row.phase === 'measure'), workload.client),
    },
  };
}

/** Intended → actual send, merged over workers and the whole run (warmup included: a stall is a stall). */
function publishDelaySummary(publishDelays: RegionSnapshot): RunResult['latency']['publishDelay'] {
  const histogram = toHdrHistogram(publishDelays.counts);
  return { ...summarize(histogram), unit: 'us', negative: negativeValues(publishDelays.counters), hdr: encodeHdr(histogram) };
}
