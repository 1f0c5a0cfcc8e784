import { buildId } from '../build-id.js';
import { summarize, toHdrHistogram, type LatencySummary } from '../histogram/merge.js';
import type { Shard } from '../plan/shard.js';
import type { HostFacts } from '../runtime.js';
import type { HostState } from '../sources/fleet.js';
import { skewBoundUs } from '../fleet/clock.js';
import type { FleetReport, HostReport } from '../contracts/fleet.js';
import type { ClockOffset } from '../contracts/fleet.js';

export function hostReports(states: readonly HostState[]): HostReport[] {
  const goAtCoordinatorUs = states.map((state) => (state.goAtUs === undefined ? undefined : state.goAtUs - state.host.clock.offsetUs));
  const known = goAtCoordinatorUs.filter((value): value is number => value !== undefined);
  const firstGoUs = known.length > 0 ? Math.min(...known) : undefined;
  return states.map((state, i) => {
    const { counters } = state.produced;
    const spanUs = state.goAtUs !== undefined && state.lastEndUs !== undefined ? Math.max(1, state.lastEndUs - state.goAtUs) : undefined;
    const goUs = goAtCoordinatorUs[i];
    const { hello } = state.host;
    return {
      name: state.plan.name,
      index: state.plan.index,
      status: state.failure === undefined && state.final !== undefined ? 'ok' : 'failed',
      failure: state.failure ?? (state.final === undefined ? 'no final line' : null),
      slice: state.plan.slice,
      workers: state.plan.workers.length,
      totals: { sent: counters.sent, acked: counters.acked, errors: counters.failed, backpressureWaits: counters.backpressureWaits, ackedBytes: counters.ackedBytes },
      recordsPerSec: spanUs === undefined ? 0 : Math.round((counters.acked / (spanUs / 1e6)) * 10) / 10,
      produceAck: summarize(toHdrHistogram(state.produced.counts)),
      clock: state.host.clock,
      goAfterFirstUs: goUs === undefined || firstGoUs === undefined ? null : Math.round(goUs - firstGoUs),
      agent: {
        version: hello.version,
        buildId: hello.buildId ?? null,
        root: hello.root ?? null,
        runtime: `${hello.runtime.name} ${hello.runtime.version}`,
        pid: hello.pid,
        platformArch: hello.platformArch,
        facts: hello.facts,
        cpuMicros: state.final?.cpuMicros ?? null,
        maxRssBytes: state.final?.maxRssBytes ?? null,
      },
      protocol: { intervalLines: state.intervalLines, bytesPerIntervalLine: state.intervalLines === 0 ? 0 : Math.round(state.intervalBytes / state.intervalLines) },
    };
  });
}

export function fleetReport(args: { states: readonly HostState[]; hosts: readonly HostReport[]; workersPerHost: number; maxClockSkewUs: number; e2e: boolean; coordinatorCpuMicros: number; intervals: number }): FleetReport {
  const bound = skewBoundUs(args.states.map((state) => state.host.clock));
  const goes = args.hosts.map((host) => host.goAfterFirstUs).filter((value): value is number => value !== null);
  return {
    hosts: args.hosts.length,
    workersPerHost: args.workersPerHost,
    clockSkewBoundUs: bound,
    maxClockSkewUs: args.maxClockSkewUs,
    clockSkewExceeded: bound > args.maxClockSkewUs,
    goSpreadUs: goes.length === args.hosts.length && goes.length > 0 ? Math.max(...goes) : null,
    e2eConsumersOn: args.e2e ? 'coordinator' : null,
    coordinator: { buildId: buildId(), cpuMicros: Math.round(args.coordinatorCpuMicros), intervals: args.intervals, cpuMicrosPerInterval: args.intervals === 0 ? 0 : Math.round(args.coordinatorCpuMicros / args.intervals) },
  };
}
