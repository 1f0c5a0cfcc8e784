import { StampedeError } from '../errors.js';
import type { Workload } from './workload-shape.js';

const refuse = (text: string): StampedeError => new StampedeError('E_OPTION', text);

/**
 * What --transactional can be combined with, checked once where the workload is resolved. The
 * limits are what this build can do, each said in one line: only the native addon calls
 * librdkafka's transactional API; transactions end between two batches of the worker thread, and at
 * a fixed rate batches are enqueued by the native pacer thread, which does not end transactions.
 */
export function checkTransactionalWorkload(workload: Workload, abortRateGiven: boolean): void {
  if (!workload.transactional) {
    if (abortRateGiven) throw refuse('--abort-rate needs --transactional (it aborts a share of the transactions)');
    return;
  }
  if (workload.client !== 'native') throw refuse(`--transactional needs --client native (the ${workload.client} client has no transactions here)`);
  if (workload.rateRecordsPerSec !== undefined) throw refuse('--transactional runs at --rate max only: at a fixed rate the native pacer enqueues records and does not end transactions');
  if (workload.hosts !== undefined || workload.instances !== undefined || workload.instanceId !== undefined) {
    throw refuse('--transactional runs on this host only (not with --hosts or --instances): the abort ledgers are not merged across hosts');
  }
  const acks = workload.producerProps['acks'];
  if (acks !== undefined && acks !== 'all' && acks !== '-1') throw refuse(`--transactional implies acks=all (got --producer-props acks=${acks})`);
  const idempotence = workload.producerProps['enable.idempotence'];
  if (idempotence !== undefined && idempotence !== 'true') throw refuse(`--transactional implies enable.idempotence=true (got --producer-props enable.idempotence=${idempotence})`);
  if (workload.producerProps['transactional.id'] !== undefined) throw refuse('--transactional sets transactional.id per producer thread: leave it out of --producer-props');
}

/**
 * The producers' settings under --transactional, over the profile's: a transactional producer is
 * idempotent and waits for all in-sync replicas (librdkafka refuses anything else). The
 * transactional.id is set per thread (see transactionalIdOf).
 */
export function transactionalSettings(librdkafka: Readonly<Record<string, string>>): Record<string, string> {
  return { ...librdkafka, 'enable.idempotence': 'true', acks: 'all' };
}

/**
 * One transactional.id per producer thread: the run's own random id and the thread index, so two
 * runs (even of the same workload) never fence each other, and threads of one run never do.
 */
export function transactionalIdOf(runNonce: string, threadIndex: number): string {
  return `stampede-${runNonce}-${threadIndex}`;
}
