import { readFileSync } from 'node:fs';
import { StampedeError } from '../errors.js';
import { kMaxDevices, type Shard } from '../plan/shard.js';
import { int, object } from '../shape.js';
import { modelExpectedRecords, modelShardOrders } from '../models/expected.js';
import { modelIdentity, readsIdentityOf, type ModelIdentity } from '../models/identity.js';
import type { ModelSpec } from '../models/spec.js';
import type { ShardOrder } from './aborted.js';
import { deviceCounts, type DeviceCounts } from '../records/device-counts.js';

/** What a run's result says was sent: enough to know every device's last sequence number. */
export interface Expectation {
  file: string;
  topic: string;
  plan: Shard[];
  sentPerShard: number[];
  sent: number;
  acked: number;
  /** records whose delivery the producer saw fail: they may be missing without anything being lost */
  errors: number;
  /** the run's --keys: 'none' means unkeyed records, whose order per device is not checked */
  keys: 'none' | 'device';
  /** device → records it sent (sequence numbers 0 … n-1) */
  perDevice: DeviceCounts;
  /** `--record-trace header` runs: the run id its records' trace headers carry */
  traceRunId?: string;
  /** a --transactional run: per shard, the record-index ranges of aborted transactions (never to be read) */
  abortedRangesPerShard?: number[][];
  /** a device model's run: each shard's order of devices, and where its values carry identity (records without a trace header) */
  model?: { orders: ShardOrder[]; identity: ModelIdentity | undefined };
}

const bad = (file: string, why: string): StampedeError => new StampedeError('E_OPTION', `--expect ${file}: ${why}`);

function abortedRangesOf(file: string, transactions: { abortedRangesPerShard?: unknown } | undefined, shards: number): { abortedRangesPerShard?: number[][] } {
  if (transactions === undefined) return {};
  const ranges = transactions.abortedRangesPerShard;
  if (!Array.isArray(ranges) || ranges.length !== shards || !ranges.every((shard) => Array.isArray(shard) && shard.length % 2 === 0 && shard.every((n) => Number.isSafeInteger(n) && n >= 0))) {
    throw bad(file, 'is a --transactional run without its aborted ranges (transactions.abortedRangesPerShard)');
  }
  return { abortedRangesPerShard: ranges as number[][] };
}


const shardShape = object({ index: int(0, kMaxDevices), firstDevice: int(0, kMaxDevices - 1), deviceCount: int(1, kMaxDevices) });

/** The plan's shards, as a run writes them: device ranges within --devices' bound, no more than it allows in all. */
function planProblem(plan: unknown[]): string | null {
  let devices = 0;
  for (let i = 0; i < plan.length; i++) {
    const problem = shardShape(plan[i], `plan[${i}]`);
    if (problem !== null) return problem;
    const shard = plan[i] as Shard;
    devices += shard.deviceCount;
    if (shard.firstDevice + shard.deviceCount > kMaxDevices || devices > kMaxDevices) return `the plan has more than ${kMaxDevices} devices (--devices' bound) at plan[${i}]`;
  }
  return null;
}

interface RunWorkload {
  keys?: unknown;
  traceRunId?: unknown;
  seed?: unknown;
  recordTrace?: unknown;
  valueSchema?: unknown;
  model?: { builtin?: unknown; file?: unknown; fields?: unknown; active?: unknown; weights?: unknown; encoding?: unknown };
}

/**
 * A device model's run: its records' order and counts follow from the model's schedule (its active
 * share and weights, from the seed); each record names itself by its trace header, or by its value
 * when the model's fields carry device, seq and time (read back with the run's value schema).
 */
function modelRunOf(file: string, workload: RunWorkload | undefined): { spec: ModelSpec; seed: number; identity: ModelIdentity | undefined } | undefined {
  const model = workload?.model;
  if (!model || model.builtin !== undefined) return undefined;
  const name = String(model.file);
  if (!Array.isArray(model.fields) || typeof model.active !== 'number' || !Array.isArray(model.weights) || typeof model.encoding !== 'string' || !Number.isSafeInteger(workload!.seed)) {
    throw bad(file, `its device model ${name} is incomplete (fields, active, weights, encoding and the run's seed are needed)`);
  }
  const spec = model as unknown as ModelSpec;
  const fromValue = modelIdentity(spec);
  if (workload!.recordTrace !== 'header' && (fromValue === null || !readsIdentityOf(spec.encoding))) {
    throw bad(file, `is a run of device model ${name} whose records name neither themselves (no trace header: --record-trace ${String(workload!.recordTrace)}) nor their device and seq in a value verify reads`);
  }
  const identity = fromValue !== null && readsIdentityOf(spec.encoding) ? { ...fromValue, ...(workload!.valueSchema === undefined ? {} : { valueSchema: workload!.valueSchema }) } : undefined;
  return { spec, seed: workload!.seed as number, identity };
}

/**
 * Reads `verify --expect RESULT.json`: a `stampede run` result with its plan and the records each
 * shard sent. Devices are fed round-robin within a shard, so shard sent counts give every device's
 * expected count; a record missing after a device's last one on the topic then shows as lost.
 */
export function readExpectation(file: string): Expectation {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw bad(file, code ? `cannot be read (${code})` : 'is not JSON');
  }
  const result = doc as { tool?: { name?: unknown }; workload?: RunWorkload; topic?: { name?: unknown } | null; plan?: unknown; sentPerShard?: unknown; totals?: { sent?: unknown; acked?: unknown; errors?: unknown }; transactions?: { abortedRangesPerShard?: unknown } };
  if (result?.tool?.name !== 'stampede' || !Array.isArray(result.plan) || typeof result.totals?.acked !== 'number') throw bad(file, 'is not a stampede run result');
  if (typeof result.topic?.name !== 'string') throw bad(file, 'names no topic (a --client null run writes none)');
  const model = modelRunOf(file, result.workload);
  if (!Array.isArray(result.sentPerShard) || result.sentPerShard.length !== result.plan.length || !result.sentPerShard.every((n) => Number.isSafeInteger(n) && n >= 0)) {
    throw bad(file, 'has no per-shard sent counts (sentPerShard): written by an older stampede');
  }
  const problem = planProblem(result.plan);
  if (problem !== null) throw bad(file, problem);
  const plan = result.plan as Shard[];
  const sentPerShard = result.sentPerShard as number[];
  return {
    file,
    topic: result.topic.name,
    plan,
    sentPerShard,
    sent: Number(result.totals.sent),
    acked: result.totals.acked,
    errors: Number(result.totals.errors ?? 0),
    keys: result.workload?.keys === 'none' ? 'none' : 'device',
    perDevice: model ? modelExpectedRecords(model.spec, model.seed, plan, sentPerShard) : expectedRecords(plan, sentPerShard),
    ...(model ? { model: { orders: modelShardOrders(model.spec, model.seed, plan), identity: model.identity } } : {}),
    ...(typeof result.workload?.traceRunId === 'string' && /^[0-9a-f]{16}$/.test(result.workload.traceRunId) ? { traceRunId: result.workload.traceRunId } : {}),
    ...abortedRangesOf(file, result.transactions, plan.length),
  };
}

/** Device d of a shard sent floor(sent / devices) records, plus one if its offset is below the remainder (round-robin from offset 0). */
export function expectedRecords(plan: Shard[], sentPerShard: number[]): DeviceCounts {
  return deviceCounts(plan, (index, offset) => {
    const sent = sentPerShard[index] ?? 0;
    const devices = plan[index]!.deviceCount;
    return Math.floor(sent / devices) + (offset < sent % devices ? 1 : 0);
  });
}
