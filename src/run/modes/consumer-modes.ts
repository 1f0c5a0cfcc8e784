import { StampedeError } from '../../errors.js';
import type { SnapshotSource } from '../../sources/types.js';
import { BacklogDrain } from './backlog.js';
import { ConsumerChurn } from './churn.js';
import type { EndToEndConsumers } from '../../consume/e2e-group.js';
import type { RunResult } from '../../contracts/result.js';
import type { Workload } from '../../options/workload-shape.js';

/** How the e2e group starts for --backlog (paused) and --consumer-churn (a spare slot for the member it adds). */
/** What --backlog and --consumer-churn read of the workload. */
export type ConsumerModesInput = Pick<Workload, 'backlogBytes' | 'consumerChurnMs' | 'intervalMs' | 'topic'>;

export function consumerModeOptions(workload: ConsumerModesInput, partitions: number, consumers: number): { paused?: boolean; spareSlots?: number } {
  if (workload.consumerChurnMs !== undefined && consumers < 2 && partitions < 2) {
    throw new StampedeError('E_OPTION', `--consumer-churn needs a group that can change: more than one partition (topic ${workload.topic} has ${partitions}) or --consumers 2 at least`);
  }
  return { ...(workload.backlogBytes !== undefined ? { paused: true } : {}), ...(workload.consumerChurnMs !== undefined ? { spareSlots: 1 } : {}) };
}

/** --backlog or --consumer-churn around one local run: started at go, reported into the result once the consumers stopped. */
export function consumerModes(workload: ConsumerModesInput, partitions: number, producers: SnapshotSource, e2e: EndToEndConsumers, notice: (text: string) => void): { start(): void; finish(result: RunResult): void } | undefined {
  if (workload.backlogBytes !== undefined) {
    const backlog = new BacklogDrain(workload.backlogBytes, workload.intervalMs, producers, e2e, notice);
    return { start: () => backlog.start(), finish: (result) => void (result.backlog = backlog.finish(result.totals.acked)) };
  }
  if (workload.consumerChurnMs !== undefined) {
    const churn = new ConsumerChurn(workload.consumerChurnMs, workload.intervalMs, partitions, producers, e2e, notice);
    return { start: () => churn.start(), finish: (result) => void (result.churn = churn.finish()) };
  }
  return undefined;
}
