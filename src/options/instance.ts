import { createHash } from 'node:crypto';
import { isSensitiveKey, kRedacted } from '../connection/redact.js';
import type { OptionName } from './schema.js';
import type { Workload } from './workload-shape.js';

/**
 * `--instance-id/--instances` defaults from the environment, so a Kubernetes Indexed Job needs no
 * wrapper: $JOB_COMPLETION_INDEX (set by Kubernetes in each pod), $STAMPEDE_INSTANCES and
 * $STAMPEDE_RUN_ID (set in the manifest). Flags and workload-file keys win.
 */
/** Options as given (workload.ts's RawOptions; named here so this file does not import the resolver that imports it). */
type RawOptions = Partial<Record<OptionName, unknown>>;

export function instanceDefaults(env: NodeJS.ProcessEnv, given: RawOptions): RawOptions {
  const extra: RawOptions = {};
  const instances = given.instances ?? env['STAMPEDE_INSTANCES'];
  if (given.instances === undefined && env['STAMPEDE_INSTANCES'] !== undefined) extra.instances = env['STAMPEDE_INSTANCES'];
  if (instances !== undefined && given['instance-id'] === undefined && env['JOB_COMPLETION_INDEX'] !== undefined) extra['instance-id'] = env['JOB_COMPLETION_INDEX'];
  if (given['run-id'] === undefined && env['STAMPEDE_RUN_ID'] !== undefined && env['STAMPEDE_RUN_ID'] !== '') extra['run-id'] = env['STAMPEDE_RUN_ID'];
  return extra;
}

/** Options that may differ between the instances of one run (where each writes, how it prints). */
const kPerInstanceKeys = new Set(['instanceId', 'out', 'verbose', 'workloadFile', 'runId', 'hosts', 'sshConfig', 'remoteCommand', 'remoteDir', 'metricsPort', 'metricsHost', 'html', 'hgrm', 'csv']);

/**
 * The workload minus per-instance options, canonical JSON: equal for every instance of one run.
 * Sensitive settings (--command-property sasl.password=…, a secret in --producer-props) are
 * redacted by key: the run id below is a hash of this text, written into every result, and a hash
 * over a password would let anyone holding a result guess the password offline.
 */
export function comparableWorkload(workload: Partial<Workload>): string {
  const entries = Object.entries(workload).filter(([key, value]) => !kPerInstanceKeys.has(key) && key !== 'effectiveWorkers' && key !== 'traceRunId' && value !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(entries, (key, value: unknown) => (typeof value === 'string' && isSensitiveKey(key) ? kRedacted : value));
}

export const workloadFingerprint = (workload: Partial<Workload>): string => createHash('sha256').update(comparableWorkload(workload)).digest('hex').slice(0, 12);
