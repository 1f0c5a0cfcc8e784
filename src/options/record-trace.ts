import { createHash, randomBytes } from 'node:crypto';
import { StampedeError } from '../errors.js';
import { kRunIdBytes, type RecordTraceMode } from '../records/trace.js';
import { workloadFingerprint } from './instance.js';
import type { Workload } from './workload-shape.js';

const refuse = (text: string): StampedeError => new StampedeError('E_OPTION', text);

/**
 * The record trace a run should use when the user names none: `header` when a pipeline stage is
 * observed (a processor may re-encode the value, and only a header survives that) or when the
 * model's values carry no identity fields; `value` (the fastest path: batch enqueue, no header)
 * otherwise.
 */
export function defaultRecordTrace(run: { observedStages: number; modelCarriesIdentity: boolean }): RecordTraceMode {
  return run.observedStages > 0 || !run.modelCarriesIdentity ? 'header' : 'value';
}

/** What --record-trace can be combined with, checked once where the workload is resolved. */
export function checkRecordTrace(workload: Pick<Workload, 'recordTrace' | 'e2e' | 'client'>): void {
  if (workload.recordTrace === 'none' && workload.e2e) {
    throw refuse('--e2e needs each record\'s identity: use --record-trace value or header (none writes none, so nothing could be checked)');
  }
  if (workload.recordTrace === 'header' && workload.client === 'node-rdkafka') {
    throw refuse('--record-trace header needs --client native or null: node-rdkafka writes header values as UTF-8 text, which would mangle the binary trace header');
  }
}

/**
 * The run id a `header` run writes into every trace header: 8 bytes, 16 hex digits. From the run's
 * name when it has one (--run-id, $STAMPEDE_RUN_ID, or an instance's workload fingerprint, so every
 * instance of one run writes the same), hashed so the header carries no text of the user's; random
 * per invocation otherwise. Neither holds connection settings or secrets (the fingerprint is taken
 * over the redacted workload).
 */
export function traceRunIdOf(workload: Workload): string | undefined {
  if (workload.recordTrace !== 'header') return undefined;
  const named = workload.runId ?? (workload.instanceId !== undefined ? `wl-${workloadFingerprint(workload)}` : undefined);
  if (named === undefined) return randomBytes(kRunIdBytes).toString('hex');
  return createHash('sha256').update(`stampede.trace\0${named}`).digest('hex').slice(0, 2 * kRunIdBytes);
}
