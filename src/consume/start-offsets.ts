import type { E2eConsumerTask } from '../contracts/e2e-consumer-task.js';

/**
 * The run's first offset per partition, for an e2e consumer to read past older records. The first
 * members ask the brokers for the ends (before any producer sends) and note them in shared memory;
 * a member added later (--consumer-churn) takes the noted ones, since the ends have moved since.
 */
export function runStartOffsets(task: E2eConsumerTask, askTheBrokers: () => Map<number, number>): Map<number, number> {
  const noted = new Float64Array(task.startOffsets);
  if (task.joinsLate) {
    const offsets = new Map<number, number>();
    noted.forEach((offset, partition) => offset >= 0 && offsets.set(partition, offset));
    return offsets;
  }
  const offsets = askTheBrokers();
  for (const [partition, offset] of offsets) if (partition < noted.length) noted[partition] = offset;
  return offsets;
}
