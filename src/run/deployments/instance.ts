import { MAIN_THREAD_CLIENTS } from '../../clients/create.js';
import type { InstanceInfo } from '../../contracts/result.js';
import { StampedeError } from '../../errors.js';
import { workloadFingerprint } from '../../options/instance.js';
import type { Workload } from '../../options/workload-shape.js';
import { planInstance } from '../../plan/fleet.js';
import { localDeployment } from './local.js';
import type { Deployment } from './types.js';

/** `run --instance-id I --instances N`: slice I of N on this host alone, its JSON marked with the run it belongs to. */
export function instanceDeployment(workload: Workload, notice: (text: string) => void): Deployment {
  const count = workload.instances;
  const id = workload.instanceId;
  if (count === undefined || id === undefined) {
    throw new StampedeError('E_OPTION', count === undefined ? '--instance-id needs --instances (or $STAMPEDE_INSTANCES)' : '--instances needs --instance-id (or $JOB_COMPLETION_INDEX)');
  }
  if (workload.hosts !== undefined) throw new StampedeError('E_OPTION', '--hosts and --instance-id are two ways to split a run: use one');
  if (workload.e2e && count > 1) {
    throw new StampedeError('E_OPTION', '--e2e with --instances: every instance\'s consumers would read every instance\'s records; run the instances without --e2e, then stampede verify --topic …');
  }
  if (workload.stages.length > 0 && count > 1) {
    throw new StampedeError('E_OPTION', '--observe with --instances: every instance would read every instance\'s stage records; observe the pipeline from a single run (or --hosts, whose stages are read on the coordinator)');
  }
  const workersPerHost = MAIN_THREAD_CLIENTS.has(workload.client) ? 1 : workload.workers;
  const plan = planInstance({ id, count, devices: workload.devices, workersPerHost, records: workload.records, rateRecordsPerSec: workload.rateRecordsPerSec });
  const runId = workload.runId ?? `wl-${workloadFingerprint(workload)}`;
  if (workload.runId === undefined) notice(`no --run-id or $STAMPEDE_RUN_ID: this instance is marked with run id ${runId}, the workload's fingerprint (instances of a repeated run share it)`);
  const local = localDeployment(workload, plan.workers);
  return {
    ...local,
    finish: (result) => {
      const instance: InstanceInfo = { id, count, runId, runIdFrom: workload.runId === undefined ? 'fingerprint' : 'option', slice: plan.slice };
      return { ...result, instance };
    },
  };
}
