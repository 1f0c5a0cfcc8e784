import { diffSnapshots, summarize, toHdrHistogram, zeroSnapshot } from '../histogram/merge.js';
import type { RegionSnapshot } from '../shared/region.js';
import type { HostState } from '../sources/fleet.js';
import type { HostIntervalLine } from '../contracts/fleet.js';

/** A function giving each call's per-host lines, from the hosts' latest cumulative snapshots and their own interval stamps. */
export function hostIntervalLines(states: readonly HostState[]): () => HostIntervalLine[] {
  const previous = states.map(() => ({ snapshot: zeroSnapshot() as RegionSnapshot, endUs: undefined as number | undefined }));
  return () =>
    states.map((state, i) => {
      const before = previous[i]!;
      const delta = diffSnapshots(state.produced, before.snapshot);
      // The agent's stamps, not the coordinator's tick, define the span (no shared-clock assumption).
      const spanUs = state.lastEndUs !== undefined && before.endUs !== undefined ? state.lastEndUs - before.endUs : state.lastEndUs !== undefined && state.goAtUs !== undefined ? state.lastEndUs - state.goAtUs : 0;
      previous[i] = { snapshot: state.produced, endUs: state.lastEndUs };
      return {
        host: state.plan.name,
        status: state.failure !== undefined ? 'failed' : state.final !== undefined ? 'done' : 'running',
        recordsPerSec: spanUs > 0 ? Math.round(delta.counters.acked / (spanUs / 1e6)) : 0,
        p99Us: summarize(toHdrHistogram(delta.counts)).p99,
        totalAcked: state.produced.counters.acked,
      };
    });
}
