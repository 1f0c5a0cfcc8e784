import { StampedeError } from '../errors.js';
import type { Workload } from './workload-shape.js';

/**
 * --backlog and --consumer-churn act on the --e2e consumers (on this host, with or without --hosts); checked where
 * the workload is resolved, so a combination that cannot run is one line before anything starts.
 */
export function checkConsumerModes(workload: Workload): Workload {
  for (const [flag, set] of [['--backlog', workload.backlogBytes !== undefined], ['--consumer-churn', workload.consumerChurnMs !== undefined]] as const) {
    if (!set) continue;
    if (!workload.e2e) throw new StampedeError('E_OPTION', `${flag} acts on the end-to-end consumers: add --e2e`);
  }
  if (workload.backlogBytes !== undefined && workload.consumerChurnMs !== undefined) {
    throw new StampedeError('E_OPTION', '--backlog and --consumer-churn measure different things (a paused group has no rebalance pause to see): run them apart');
  }
  return workload;
}
