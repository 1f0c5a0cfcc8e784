import { buildId } from '../build-id.js';
import { summarize, toHdrHistogram, type LatencySummary } from '../histogram/merge.js';
import type { Shard } from '../plan/shard.js';
import type { HostFacts } from '../runtime.js';
import type { HostState } from '../sources/fleet.js';
import { skewBoundUs, type ClockOffset } from './clock.js';

/** One host's part of a fleet run, in the JSON's `hosts[]`. Its totals sum to the merged totals. */
export interface HostReport {
  name: string;
  index: number;
  status: 'ok' | 'failed';
  failure: string | null;
  /** this host's slice of the plan: device range, records, rate */
  slice: Shard;
  workers: number;
  totals: { sent: number; acked: number; errors: number; backpressureWaits: number; ackedBytes: number };
  /** acked ÷ the agent's own go → last line span, its clock */
  recordsPerSec: number;
  /** produce→ack, whole run on this host (µs) */
  produceAck: LatencySummary;
  clock: ClockOffset;
  /** when this host's producers were told go, on the coordinator's clock (offset corrected), µs after the earliest host */
  goAfterFirstUs: number | null;
  agent: {
    version: string;
    /** src/build-id.ts of the copy the agent ran, and where it ran from (null: an agent too old to say) */
    buildId: string | null;
    root: string | null;
    runtime: string;
    pid: number;
    platformArch: string;
    facts: HostFacts;
    cpuMicros: number | null;
    maxRssBytes: number | null;
  };
  protocol: { intervalLines: number; bytesPerIntervalLine: number };
}

/** Fleet-wide facts beside the merged numbers. */
export interface FleetReport {
  hosts: number;
  workersPerHost: number;
  /** largest |offset| + uncertainty over the hosts: how wrong a cross-host e2e latency can be */
  clockSkewBoundUs: number;
  maxClockSkewUs: number;
  clockSkewExceeded: boolean;
  /** latest minus earliest host go, offset corrected (the barrier's spread), µs; null when unknown */
  goSpreadUs: number | null;
  /** where --e2e consumers ran */
  e2eConsumersOn: 'coordinator' | null;
  coordinator: { buildId: string; cpuMicros: number; intervals: number; cpuMicrosPerInterval: number };
}

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
