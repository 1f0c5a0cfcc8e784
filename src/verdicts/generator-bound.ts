/**
 * Was the generator, not the broker, what limited a run's rate? A producer thread
 * that is busy nearly all of an interval while librdkafka's queue never filled (no QUEUE_FULL wait)
 * could not hand records over any faster: more would have been accepted. A thread that waited on a
 * full queue was held back by the client and the broker, however busy it was otherwise. Busy means
 * running or runnable: on a shared host a thread that never blocks but waits for a core is as much
 * the limit as one that runs all the time, though its CPU share alone looks low.
 */
export const kBusyLimit = 0.9;

export interface ThreadInterval {
  /** thread CPU ÷ interval wall time: 1 = busy the whole interval; null when its clock is unknown */
  busy: number | null;
  /** time runnable but waiting for a core ÷ interval wall time; null when unknown (not Linux) */
  waiting: number | null;
  /** QUEUE_FULL waits in the interval */
  queueFullWaits: number;
}

export function generatorBound(thread: ThreadInterval): boolean {
  return thread.busy !== null && thread.busy + (thread.waiting ?? 0) > kBusyLimit && thread.queueFullWaits === 0;
}

/** Indices of the threads that were generator-bound in one interval. */
export function boundThreads(threads: readonly ThreadInterval[]): number[] {
  const bound: number[] = [];
  threads.forEach((thread, index) => {
    if (generatorBound(thread)) bound.push(index);
  });
  return bound;
}

/**
 * The warning line for a run, from its measured intervals' bound threads; null when no thread was
 * generator-bound in any of them. A client without a broker (null) is always its own limit: no warning.
 */
export function generatorWarning(measured: readonly { boundThreads?: number[] }[], client: string): string | null {
  if (client === 'null') return null;
  const intervalsByThread = new Map<number, number>();
  let withData = 0;
  for (const row of measured) {
    if (row.boundThreads === undefined) continue;
    withData++;
    for (const thread of row.boundThreads) intervalsByThread.set(thread, (intervalsByThread.get(thread) ?? 0) + 1);
  }
  if (intervalsByThread.size === 0) return null;
  const threads = [...intervalsByThread].sort(([a], [b]) => a - b).map(([thread, intervals]) => `thread ${thread} in ${intervals} of ${withData}`);
  return `warning: the generator limited the rate, not the broker: producer thread(s) were over ${Math.round(kBusyLimit * 100)} % busy (running, or runnable and waiting for a core) while librdkafka's queue was not full (${threads.join(', ')} measured intervals); a cheaper --format, more threads (--workers) on free cores, or a less loaded host would send more`;
}
