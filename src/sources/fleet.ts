import { setTimeout as sleep } from 'node:timers/promises';
import { decodeSnapshot, type FinalLine, type FromAgent, type IntervalLine } from '../fleet/protocol.js';
import type { ConnectedHost } from '../fleet/connect.js';
import { mergeSnapshots, zeroSnapshot } from '../histogram/merge.js';
import { describeDurationMs } from '../options/parse.js';
import type { HostPlan } from '../plan/fleet.js';
import type { ProducerTaskResult } from '../contracts/producer-task.js';
import type { RegionSnapshot } from '../shared/region.js';
import type { SnapshotSource } from './types.js';
import type { Workload } from '../options/workload-shape.js';

/** What the coordinator knows of one host during and after the run. */
export interface HostState {
  readonly host: ConnectedHost;
  readonly plan: HostPlan;
  /** latest cumulative snapshots from the agent's interval (or final) lines */
  produced: RegionSnapshot;
  publishDelay: RegionSnapshot;
  /** the agent's own snapshot at warmup end, once sent */
  warmupBaseline: RegionSnapshot | undefined;
  sentPerShard: number[];
  /** highest seq seen: an older line arriving late never replaces a newer one */
  seq: number;
  ready: boolean;
  /** the agent's wall clock at go, µs */
  goAtUs: number | undefined;
  /** agent wall clock of its latest line, µs */
  lastEndUs: number | undefined;
  final: FinalLine | undefined;
  /** why the host failed, when it did */
  failure: string | undefined;
  intervalLines: number;
  intervalBytes: number;
}

/**
 * Agents on many hosts as one snapshot source: `snapshot()` is the exact merge of each host's
 * latest cumulative snapshot. A host whose agent dies keeps its last snapshot (its partial
 * contribution) and its producers report as failed; the others run on to the end.
 */
export class FleetSource implements SnapshotSource {
  readonly workers: number;
  readonly finished: Promise<ProducerTaskResult[]>;
  readonly states: HostState[];
  private stopped = false;
  /** --timeout: how long after stop each host has to send its final line */
  private readonly timeoutMs: number;
  private finalDeadline: ReturnType<typeof setTimeout> | undefined;

  constructor(hosts: readonly ConnectedHost[], plans: readonly HostPlan[], run: { workload: Workload; librdkafka: Record<string, string>; inline: boolean }) {
    this.workers = plans.reduce((sum, plan) => sum + plan.workers.length, 0);
    this.timeoutMs = run.workload.timeoutMs;
    this.states = hosts.map((host, i) => ({
      host,
      plan: plans[i]!,
      produced: zeroSnapshot(),
      publishDelay: zeroSnapshot(),
      warmupBaseline: undefined,
      sentPerShard: plans[i]!.workers.map(() => 0),
      seq: 0,
      ready: false,
      goAtUs: undefined,
      lastEndUs: undefined,
      final: undefined,
      failure: undefined,
      intervalLines: 0,
      intervalBytes: 0,
    }));
    const perHost = this.states.map((state) => this.follow(state, run));
    this.finished = Promise.all(perHost).then((lists) => lists.flat());
  }

  async ready(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const readyBy = Date.now() + timeoutMs;
    while (!this.states.every((state) => state.ready || state.failure !== undefined) && Date.now() < readyBy && !signal?.aborted) await sleep(2);
  }

  go(): void {
    for (const state of this.states) state.host.link.send({ type: 'go' });
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const state of this.states) state.host.link.send({ type: 'stop' });
    // An agent that never answers stop with its final line would keep the run waiting forever:
    // --timeout after stop it is ended and failed, and the result is written with what it sent.
    this.finalDeadline = setTimeout(() => this.endSilentHosts(), this.timeoutMs);
  }

  private endSilentHosts(): void {
    for (const state of this.states) {
      if (state.final === undefined && !state.host.link.hasExited) state.host.link.fail(`no final line within --timeout ${describeDurationMs(this.timeoutMs)} after stop`);
    }
  }

  get stopping(): boolean {
    return this.stopped;
  }

  snapshot(): RegionSnapshot {
    return mergeSnapshots(this.states.map((state) => state.produced));
  }

  /** Every host's own warmup-end snapshot, merged; a host that ended during warmup counts with its last one. */
  warmupBaseline(): RegionSnapshot | undefined {
    const parts = this.states.map((state) => state.warmupBaseline ?? (state.final || state.failure !== undefined ? state.produced : undefined));
    if (parts.some((part) => part === undefined)) return undefined;
    return mergeSnapshots(parts as RegionSnapshot[]);
  }

  publishDelays(): RegionSnapshot {
    return mergeSnapshots(this.states.map((state) => state.publishDelay));
  }

  sentPerShard(): number[] {
    return this.states.flatMap((state) => state.sentPerShard);
  }

  async close(): Promise<void> {
    clearTimeout(this.finalDeadline);
    await Promise.all(this.states.map((state) => state.host.link.close()));
  }

  /** Sends the host its slice, then folds its lines into its state until its final line or its end. */
  private async follow(state: HostState, run: { workload: Workload; librdkafka: Record<string, string>; inline: boolean }): Promise<ProducerTaskResult[]> {
    const { link } = state.host;
    link.onMessage = (message, lineBytes) => this.receive(state, message, lineBytes);
    link.send({ type: 'run', host: state.plan.name, hostIndex: state.plan.index, workload: run.workload, workers: state.plan.workers, librdkafka: run.librdkafka, inline: run.inline });
    await Promise.race([link.exited, link.waitFor('final', 2 ** 31 - 1).catch(() => undefined)]);
    // Lines already read are delivered before exit is acted on.
    await new Promise((resolve) => setImmediate(resolve));
    if (state.final) return state.final.outcomes;
    state.failure ??= `host ${state.plan.name}: agent ended mid-run (${link.failureReason})`;
    return state.plan.workers.map((shard) => ({ ok: false, sent: state.sentPerShard[shard.index] ?? 0, code: 'E_HOST', message: state.failure!, exitCode: 1 }));
  }

  private receive(state: HostState, message: FromAgent, lineBytes: number): void {
    switch (message.type) {
      case 'ready':
        state.ready = true;
        break;
      case 'started':
        state.goAtUs = message.goAtUs;
        break;
      case 'baseline':
        state.warmupBaseline = decodeSnapshot(message.produced);
        break;
      case 'interval':
      case 'final':
        // A line that does not fit this host's slice throws: the link fails the host (agent-link.ts).
        checkFitsPlan(state, message);
        if (message.type === 'interval') {
          state.intervalLines++;
          state.intervalBytes += lineBytes;
        }
        if (message.seq > state.seq) this.take(state, message);
        if (message.type === 'final') state.final = message;
        break;
      case 'error':
        state.failure ??= `host ${state.plan.name}: ${message.message}`;
        break;
      default:
        break;
    }
  }

  private take(state: HostState, line: IntervalLine | FinalLine): void {
    // Decoded before anything is replaced: a broken line leaves the host's last good snapshot.
    const produced = decodeSnapshot(line.produced);
    const publishDelay = line.publishDelay ? decodeSnapshot(line.publishDelay) : state.publishDelay;
    state.seq = line.seq;
    state.lastEndUs = line.endUs;
    state.produced = produced;
    state.publishDelay = publishDelay;
    state.sentPerShard = line.sentPerShard;
  }
}

/** A count per worker of the host's slice, and (final) an outcome per worker: anything else would misplace counts in the merged plan. */
function checkFitsPlan(state: HostState, line: IntervalLine | FinalLine): void {
  const workers = state.plan.workers.length;
  if (line.sentPerShard.length !== workers) throw new Error(`${line.sentPerShard.length} sent counts for the host's ${workers} workers`);
  if (line.type === 'final' && line.outcomes.length !== workers) throw new Error(`${line.outcomes.length} outcomes for the host's ${workers} workers`);
}
