import type { EndToEndConsumers } from '../consume/e2e-group.js';
import type { SnapshotSource } from '../sources/types.js';

/** Names each producer or consumer thread that failed while the others go on, once, at the first tick after it did. */
export function threadFailureNotices(source: SnapshotSource, e2e: EndToEndConsumers | undefined, startedAtMs: number, notice: (text: string) => void): (nowMs: number) => void {
  let producersSeen = 0;
  let consumersSeen = 0;
  return (nowMs) => {
    const at = `${((nowMs - startedAtMs) / 1000).toFixed(1)} s`;
    const producers = source.failedSoFar?.() ?? [];
    for (const failure of producers.slice(producersSeen)) notice(`producer thread ${failure.worker} failed (seen at ${at}): ${failure.message}; the others go on`);
    producersSeen = producers.length;
    const consumers = e2e?.failedSoFar() ?? [];
    for (const failure of consumers.slice(consumersSeen)) notice(`consumer thread ${failure.worker} failed (seen at ${at}): ${failure.message}; the others go on`);
    consumersSeen = consumers.length;
  };
}
