import { createHash } from 'node:crypto';
import { MAIN_THREAD_CLIENTS } from '../clients/create.js';
import { isSensitiveKey, kRedacted } from '../connection/redact.js';
import { StampedeError } from '../errors.js';
import type { RawOptions, Workload } from '../options/workload.js';
import { planInstance } from '../plan/fleet.js';
import type { Shard } from '../plan/shard.js';
import { runWorkload, type RunHooks } from '../run/coordinator.js';
import type { RunResult } from '../run/result.js';

/** Which slice of which run a result file is (one instance), or which instances it merges. */
export interface InstanceInfo {
  /** this file's instance id; null in a merged file */
  id: number | null;
  count: number;
  runId: string;
  /** where the run id came from: --run-id, $STAMPEDE_RUN_ID, or the workload's fingerprint */
  runIdFrom: 'option' | 'fingerprint';
  /** the whole run's share of this instance: device range, records, rate */
  slice: Shard | null;
  /** merged files: each instance's part (their totals sum to the merged totals) */
  instances?: InstanceReport[];
}

export interface InstanceReport {
  id: number;
  status: RunResult['status'];
  slice: Shard | null;
  startedAt: string;
  totals: RunResult['totals'];
  produceAck: Omit<RunResult['latency']['produceAck'], 'hdr'>;
  host: string;
}

/**
 * `--instance-id/--instances` defaults from the environment, so a Kubernetes Indexed Job needs no
 * wrapper: $JOB_COMPLETION_INDEX (set by Kubernetes in each pod), $STAMPEDE_INSTANCES and
 * $STAMPEDE_RUN_ID (set in the manifest). Flags and workload-file keys win.
 */
export function instanceDefaults(env: NodeJS.ProcessEnv, given: RawOptions): RawOptions {
  const extra: RawOptions = {};
  const instances = given.instances ?? env['STAMPEDE_INSTANCES'];
  if (given.instances === undefined && env['STAMPEDE_INSTANCES'] !== undefined) extra.instances = env['STAMPEDE_INSTANCES'];
  if (instances !== undefined && given['instance-id'] === undefined && env['JOB_COMPLETION_INDEX'] !== undefined) extra['instance-id'] = env['JOB_COMPLETION_INDEX'];
  if (given['run-id'] === undefined && env['STAMPEDE_RUN_ID'] !== undefined && env['STAMPEDE_RUN_ID'] !== '') extra['run-id'] = env['STAMPEDE_RUN_ID'];
  return extra;
}

/** Options that may differ between the instances of one run (where each writes, how it prints). */
const kPerInstanceKeys = new Set(['instanceId', 'out', 'verbose', 'workloadFile', 'runId', 'hosts', 'sshConfig', 'remoteCommand', 'remoteDir']);

/**
 * The workload minus per-instance options, canonical JSON: equal for every instance of one run.
 * Sensitive settings (--command-property sasl.password=…, a secret in --producer-props) are
 * redacted by key: the run id below is a hash of this text, written into every result, and a hash
 * over a password would let anyone holding a result guess the password offline.
 */
export function comparableWorkload(workload: Partial<Workload>): string {
  const entries = Object.entries(workload).filter(([key, value]) => !kPerInstanceKeys.has(key) && key !== 'effectiveWorkers' && value !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(entries, (key, value: unknown) => (typeof value === 'string' && isSensitiveKey(key) ? kRedacted : value));
}

export const workloadFingerprint = (workload: Partial<Workload>): string => createHash('sha256').update(comparableWorkload(workload)).digest('hex').slice(0, 12);

/** `run --instance-id I --instances N`: slice I of N on this host alone, its JSON marked with the run it belongs to. */
export async function runInstance(workload: Workload, hooks: RunHooks): Promise<RunResult> {
  const count = workload.instances;
  const id = workload.instanceId;
  if (count === undefined || id === undefined) {
    throw new StampedeError('E_OPTION', count === undefined ? '--instance-id needs --instances (or $STAMPEDE_INSTANCES)' : '--instances needs --instance-id (or $JOB_COMPLETION_INDEX)');
  }
  if (workload.hosts !== undefined) throw new StampedeError('E_OPTION', '--hosts and --instance-id are two ways to split a run: use one');
  if (workload.e2e && count > 1) {
    throw new StampedeError('E_OPTION', '--e2e with --instances: every instance\'s consumers would read every instance\'s records; run the instances without --e2e, then stampede verify --topic …');
  }
  const workersPerHost = MAIN_THREAD_CLIENTS.has(workload.client) ? 1 : workload.workers;
  const plan = planInstance({ id, count, devices: workload.devices, workersPerHost, records: workload.records, rateRecordsPerSec: workload.rateRecordsPerSec });
  const runId = workload.runId ?? `wl-${workloadFingerprint(workload)}`;
  if (workload.runId === undefined) hooks.onNotice?.(`no --run-id or $STAMPEDE_RUN_ID: this instance is marked with run id ${runId}, the workload's fingerprint (instances of a repeated run share it)`);
  const result = await runWorkload(workload, { ...hooks, slice: plan.workers });
  const instance: InstanceInfo = { id, count, runId, runIdFrom: workload.runId === undefined ? 'fingerprint' : 'option', slice: plan.slice };
  return { ...result, instance };
}
