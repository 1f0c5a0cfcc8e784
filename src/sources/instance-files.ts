import { StampedeError } from '../errors.js';
import { OPTION_SPECS } from '../options/schema.js';
import { shown } from '../shape.js';
import { encodeHdr, summarize, toHdrHistogram } from '../histogram/merge.js';
import { kCountsLength } from '../shared/layout.js';
import type { Shard } from '../plan/shard.js';
import type { RunResult } from '../contracts/result.js';
import { comparableWorkload } from '../options/instance.js';
import { decodeCounts } from '../fleet/protocol.js';
import type { InstanceReport } from '../contracts/result.js';

/** --instances' own upper bound (src/options/schema.ts) */
const kMaxInstances = (OPTION_SPECS.find((spec) => spec.name === 'instances')!.kind as { max: number }).max;
/** missing instances named in the error; the rest counted */
const kNamedMissing = 20;

const kStatusRank: RunResult['status'][] = ['ok', 'not-valid', 'integrity-failed', 'timed-out', 'interrupted', 'failed'];

/**
 * `stampede merge`: instance result files of one run → one result, exactly: counters added,
 * histograms added bucket by bucket from their HDR encodings (never percentiles averaged). The
 * files must be one run: the same run id and workload, each instance id 0..N-1 present once.
 * `names` label the files in errors.
 */
export function mergeInstanceResults(results: readonly RunResult[], names: readonly string[]): RunResult {
  checkOneRun(results, names);
  const sorted = [...results].sort((a, b) => a.instance!.id! - b.instance!.id!);
  const first = sorted[0]!;
  const sum = (pick: (result: RunResult) => number): number => sorted.reduce((total, result) => total + pick(result), 0);

  const produceAck = addHistograms(sorted.map((result) => result.latency.produceAck.hdr));
  const publishDelay = first.latency.publishDelay === null ? null : addHistograms(sorted.map((result) => result.latency.publishDelay?.hdr ?? ''));
  const plan: Shard[] = [];
  for (const result of sorted) for (const shard of result.plan) plan.push({ ...shard, index: plan.length });
  const failures = sorted.flatMap((result) => result.failures.map((failure) => ({ ...failure, message: `instance ${result.instance!.id}: ${failure.message}` })));
  const invalid = sorted.find((result) => !result.validity.valid);
  const instances: InstanceReport[] = sorted.map((result) => {
    const { hdr: _hdr, ...latency } = result.latency.produceAck;
    return { id: result.instance!.id!, status: result.status, slice: result.instance!.slice, startedAt: result.startedAt, totals: result.totals, produceAck: latency, host: result.host.hostname };
  });
  return {
    ...first,
    status: sorted.map((result) => result.status).reduce((worst, status) => (kStatusRank.indexOf(status) > kStatusRank.indexOf(worst) ? status : worst), 'ok' as RunResult['status']),
    startedAt: new Date(Math.min(...sorted.map((r) => Date.parse(r.startedAt)))).toISOString(),
    finishedAt: new Date(Math.max(...sorted.map((r) => Date.parse(r.finishedAt)))).toISOString(),
    notices: [...new Set(sorted.flatMap((result) => result.notices))],
    failures,
    workload: { ...first.workload, instanceId: undefined, effectiveWorkers: sum((r) => r.workload.effectiveWorkers) },
    plan,
    // Per shard, in the merged plan's order, so `verify --expect` reads a merged result too.
    sentPerShard: sorted.every((result) => result.sentPerShard !== undefined) ? sorted.flatMap((result) => result.sentPerShard!) : undefined,
    totals: mergedTotals(sorted),
    latency: {
      produceAck: { ...first.latency.produceAck, ...produceAck, clamped: sum((r) => r.latency.produceAck.clamped), negative: mergeNegative(sorted.map((r) => r.latency.produceAck.negative)) },
      publishDelay: publishDelay === null ? null : { ...publishDelay, unit: 'us', negative: mergeNegative(sorted.map((r) => r.latency.publishDelay?.negative)) },
      endToEnd: null,
    },
    integrity: null,
    partitions: null,
    // Each instance judged its own slice against its own schedule; one slice short makes the run short.
    validity: invalid ? invalid.validity : first.validity,
    intervals: [],
    // Stalls need the intervals, which instances do not share a clock for: not judged across instances.
    availability: undefined,
    faults: undefined,
    instance: { id: null, count: first.instance!.count, runId: first.instance!.runId, runIdFrom: first.instance!.runIdFrom, slice: null, instances },
  };
}

/**
 * The instances' totals added up. Their measured windows differ by each one's start (no shared
 * barrier without a coordinator): the merged rate is over their union, earliest start to latest end.
 */
function mergedTotals(sorted: readonly RunResult[]): RunResult['totals'] {
  const sum = (pick: (result: RunResult) => number): number => sorted.reduce((total, result) => total + pick(result), 0);
  const windows = sorted.map((result) => {
    const start = Date.parse(result.startedAt) + result.workload.warmupMs;
    return { start, end: start + result.totals.durationMs };
  });
  const durationMs = Math.max(1, Math.max(...windows.map((w) => w.end)) - Math.min(...windows.map((w) => w.start)));
  const measuredAcked = sum((r) => r.totals.measuredAcked);
  const ackedBytes = sorted.reduce((total, r) => total + r.totals.mbPerSec * 1e6 * (r.totals.durationMs / 1000), 0);
  return {
    sent: sum((r) => r.totals.sent),
    acked: sum((r) => r.totals.acked),
    errors: sum((r) => r.totals.errors),
    backpressureWaits: sum((r) => r.totals.backpressureWaits),
    blockedMicros: sum((r) => r.totals.blockedMicros ?? 0),
    sendMicros: sum((r) => r.totals.sendMicros),
    durationMs: Math.round(durationMs),
    measuredAcked,
    recordsPerSec: Math.round((measuredAcked / (durationMs / 1000)) * 10) / 10,
    mbPerSec: Math.round((ackedBytes / 1e6 / (durationMs / 1000)) * 1000) / 1000,
  };
}

/** Counts add; the mean is weighted by them. */
function mergeNegative(parts: readonly ({ count: number; meanUs: number } | undefined)[]): { count: number; meanUs: number } {
  const count = parts.reduce((total, part) => total + (part?.count ?? 0), 0);
  const weighted = parts.reduce((total, part) => total + (part ? part.count * part.meanUs : 0), 0);
  return { count, meanUs: count === 0 ? 0 : Math.round((10 * weighted) / count) / 10 };
}

function addHistograms(encodings: readonly string[]): ReturnType<typeof summarize> & { hdr: string } {
  const counts = new Float64Array(kCountsLength);
  for (const encoding of encodings) {
    const their = decodeCounts(encoding);
    for (let i = 0; i < kCountsLength; i++) counts[i]! += their[i]!;
  }
  const histogram = toHdrHistogram(counts);
  return { ...summarize(histogram), hdr: encodeHdr(histogram) };
}

function checkOneRun(results: readonly RunResult[], names: readonly string[]): void {
  const fail = (message: string): never => {
    throw new StampedeError('E_MERGE', message);
  };
  if (results.length === 0) fail('merge needs the result files of a run\'s instances');
  results.forEach((result, i) => {
    if (result.instance === undefined || result.instance.id === null) fail(`${names[i]} is not the result of one instance (run it with --instance-id I --instances N)`);
  });
  const first = results[0]!.instance!;
  results.forEach((result, i) => {
    const instance = result.instance!;
    // The count sizes the check for missing instances: never more than --instances allows.
    if (!Number.isSafeInteger(instance.count) || instance.count < 1 || instance.count > kMaxInstances) fail(`${names[i]}: instance.count must be an integer from 1 to ${kMaxInstances} (got ${shown(instance.count)})`);
    if (!Number.isSafeInteger(instance.id) || instance.id! < 0 || instance.id! >= instance.count) fail(`${names[i]}: instance.id must be an integer from 0 to ${instance.count - 1} (got ${shown(instance.id)})`);
    if (instance.runId !== first.runId) fail(`${names[i]} is from run ${instance.runId}, ${names[0]} from run ${first.runId}: these files are not one run`);
    if (instance.count !== first.count) fail(`${names[i]} is one of ${instance.count} instances, ${names[0]} one of ${first.count}`);
    if (comparableWorkload(result.workload) !== comparableWorkload(results[0]!.workload)) fail(`${names[i]} ran another workload than ${names[0]} (same run id ${first.runId})`);
  });
  const seen = new Map<number, string>();
  results.forEach((result, i) => {
    const id = result.instance!.id!;
    const earlier = seen.get(id);
    if (earlier !== undefined) fail(`instance ${id} is given twice (${earlier} and ${names[i]})`);
    seen.set(id, names[i]!);
  });
  const missing = Array.from({ length: first.count }, (_, id) => id).filter((id) => !seen.has(id));
  if (missing.length > 0) {
    const named = missing.length > kNamedMissing ? `${missing.slice(0, kNamedMissing).join(', ')} … (${missing.length} in all)` : missing.join(', ');
    fail(`instance${missing.length > 1 ? 's' : ''} ${named} of ${first.count} missing (run ${first.runId})`);
  }
}
