import { decodeHdrCounts } from '../histogram/hdr-decode.js';
import { emptyCounters, encodeHdr, toHdrHistogram } from '../histogram/merge.js';
import type { Workload } from '../options/workload-shape.js';
import type { Shard } from '../plan/shard.js';
import type { ProducerTaskResult } from '../contracts/producer-task.js';
import type { HostFacts } from '../runtime.js';
import type { RegionCounters, RegionSnapshot } from '../shared/region.js';

/**
 * The agent protocol: one JSON object per line, both ways, over the ssh channel's stdin/stdout.
 *
 * coordinator → agent (stdin):  ping* → run → go → stop, or check; EOF means "stop now and exit"
 * agent → coordinator (stdout): hello (first, before anything is sent to it) → pong* → ready →
 *                               started → interval* (baseline at warmup end) → final, or checked;
 *                               error at any point
 *
 * Interval lines carry the agent's *cumulative* counters and histograms since go, stamped by the
 * agent (seq, its wall-clock start and end). Cumulative costs a little more per line than a delta
 * (an HDR V2 encoding grows with the buckets in use, not with the count) but makes every line
 * self-sufficient: the coordinator keeps only the latest one per host, so a late, lost or
 * coalesced line loses nothing, and the final line alone is the whole run (OMB's reset-on-read
 * polling loses data when a poll fails; style pattern 14).
 */
export const kProtocolVersion = 1;

export interface Hello {
  type: 'hello';
  protocol: number;
  version: string;
  runtime: { name: string; version: string };
  facts: HostFacts;
  pid: number;
  /** this build's native addon platform, for hosts install */
  platformArch: string;
  /** src/build-id.ts of the copy the agent runs (absent from agents before it existed) */
  buildId?: string;
  /** the directory that copy runs from (its package root) */
  root?: string;
}

export interface Pong {
  type: 'pong';
  /** the coordinator's send time, echoed */
  t0Us: number;
  /** the agent's wall clock when it answered, µs */
  agentUs: number;
}

/** What the agent runs: its slice of the plan, the workload, and the producers' librdkafka settings (may hold secrets). */
export interface RunRequest {
  type: 'run';
  host: string;
  hostIndex: number;
  workload: Workload;
  workers: Shard[];
  librdkafka: Record<string, string>;
  inline: boolean;
}

export interface CheckRequest {
  type: 'check';
  /** connection settings (bootstrap.servers, security) */
  connection: Record<string, string>;
  brokers: string;
}

export type ToAgent = { type: 'ping'; t0Us: number } | RunRequest | { type: 'go' } | { type: 'stop' } | CheckRequest;

/** A cumulative snapshot on the wire: counters as they are, histogram counts as HDR V2 compressed base64. */
export interface WireSnapshot {
  counters: RegionCounters;
  hdr: string;
}

export interface IntervalLine {
  type: 'interval';
  seq: number;
  /** agent wall clock, µs: go, and the end of this interval */
  startUs: number;
  endUs: number;
  produced: WireSnapshot;
  /** fixed-rate runs only */
  publishDelay: WireSnapshot | null;
  sentPerShard: number[];
}

export interface FinalLine extends Omit<IntervalLine, 'type'> {
  type: 'final';
  outcomes: ProducerTaskResult[];
  /** agent process CPU (user + system) and peak RSS over its life */
  cpuMicros: number;
  maxRssBytes: number;
}

export type FromAgent =
  | Hello
  | Pong
  | { type: 'ready'; goWaitingSinceUs: number }
  | { type: 'started'; goAtUs: number }
  /** the agent's cumulative snapshot at go + warmup, on its clock: the measured window's exact start */
  | { type: 'baseline'; atUs: number; produced: WireSnapshot }
  | IntervalLine
  | FinalLine
  | { type: 'checked'; ok: boolean; detail: string }
  | { type: 'error'; code: string; message: string; exitCode: number };

export function encodeSnapshot(snapshot: RegionSnapshot): WireSnapshot {
  return { counters: { ...snapshot.counters }, hdr: encodeHdr(toHdrHistogram(snapshot.counts)) };
}

/** The inverse of encodeSnapshot: bucket i of the decoded histogram is bucket i of our layout (same lowest value and precision). */
export function decodeSnapshot(wire: WireSnapshot): RegionSnapshot {
  return { counters: { ...emptyCounters(), ...wire.counters }, counts: decodeCounts(wire.hdr) };
}

/** Bounded by our layout whatever the encoding claims (src/histogram/hdr-decode.ts); throws HdrDecodeError on a broken one. */
export const decodeCounts = (base64: string): Float64Array => decodeHdrCounts(base64);

/** Parses one line; null for a line that is not one of ours (a stray print on the remote side). */
export function parseLine<T extends { type: string }>(line: string): T | null {
  const text = line.trim();
  if (!text.startsWith('{')) return null;
  try {
    const value = JSON.parse(text) as T;
    return typeof value === 'object' && value !== null && typeof value.type === 'string' ? value : null;
  } catch {
    return null;
  }
}

export const toLine = (message: ToAgent | FromAgent): string => `${JSON.stringify(message)}\n`;
