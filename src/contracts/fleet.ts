import type { LatencySummary } from '../histogram/merge.js';
import type { Shard } from '../plan/shard.js';
import type { HostFacts } from '../runtime.js';

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

/** What --verbose prints per host each interval: that host's own rate and p99 since the last line. */
export interface HostIntervalLine {
  host: string;
  status: 'running' | 'done' | 'failed';
  recordsPerSec: number;
  p99Us: number;
  totalAcked: number;
}

export interface ClockOffset {
  /** agent clock − coordinator clock, µs (positive: the agent's clock is ahead) */
  offsetUs: number;
  /** the true offset is within offsetUs ± uncertaintyUs: half the best round trip */
  uncertaintyUs: number;
  /** best round trip, µs */
  bestRoundTripUs: number;
  samples: number;
}
