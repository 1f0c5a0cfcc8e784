import type { E2eConsumerTaskResult } from '../contracts/e2e-consumer-task.js';
import { SequenceTracker } from '../verify/sequence-tracker.js';

/** What every member of a read group saw, added up: the --e2e group and each observed stage's fold the same way. */
export interface MergedReads {
  tracker: SequenceTracker;
  partitionCounts: Map<number, number>;
  decodeErrors: number;
  skippedOlder: number;
  reread: number;
  /** a stage's members only (0 for --e2e, which reads stampede's own records) */
  foreign: number;
  traced: number;
  unidentified: number;
  /** CPU µs of every member from ready to stop (polling threads, librdkafka's threads); null when some member could not measure it */
  cpuUs: { polling: number; librdkafka: number } | null;
}

/** Unites the members' sequence trackers and adds their counts; a failed member adds nothing (its failure is reported on its own). */
export function mergeReads(outcomes: readonly E2eConsumerTaskResult[]): MergedReads {
  const merged: MergedReads = { tracker: new SequenceTracker(), partitionCounts: new Map(), decodeErrors: 0, skippedOlder: 0, reread: 0, foreign: 0, traced: 0, unidentified: 0, cpuUs: { polling: 0, librdkafka: 0 } };
  for (const outcome of outcomes) {
    if (!outcome.ok) continue;
    merged.tracker.merge(SequenceTracker.import({ deviceIds: outcome.trackerDeviceIds, states: outcome.trackerStates }));
    for (const [partition, count] of outcome.partitionCounts) merged.partitionCounts.set(partition, (merged.partitionCounts.get(partition) ?? 0) + count);
    merged.decodeErrors += outcome.decodeErrors;
    merged.skippedOlder += outcome.skippedOlder;
    merged.reread += outcome.reread;
    merged.foreign += outcome.foreign ?? 0;
    merged.traced += outcome.traced ?? 0;
    merged.unidentified += outcome.unidentified ?? 0;
    if (outcome.cpuUs && outcome.cpuUs.polling >= 0 && outcome.cpuUs.librdkafka >= 0 && merged.cpuUs) {
      merged.cpuUs.polling += outcome.cpuUs.polling;
      merged.cpuUs.librdkafka += outcome.cpuUs.librdkafka;
    } else merged.cpuUs = null;
  }
  return merged;
}
