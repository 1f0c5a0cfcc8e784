import { findClusterByBrokers, networkControlFile, type LocalCluster } from '../broker/cluster.js';
import { attachProxyNetwork } from '../netproxy/index.js';
import { parseBrokers } from '../connection/brokers.js';
import { StampedeError } from '../errors.js';
import type { ClusterFaultEvent } from '../contracts/faults.js';
import type { FaultSpec } from '../options/faults.js';
import type { Workload } from '../options/workload-shape.js';
import { activeController, killNode, leaderToKill, nodePid, reviveNode, rollingRestart, signalNode, topicState } from './node-actions.js';

type ClusterFaultSpec = Exclude<FaultSpec, { kind: 'broker-restart' }>;

/**
 * How long ending a timeline waits for what it undoes over the network (a heal is a request to the
 * proxy process): long enough for a proxy on a busy host, short enough that a stop stays prompt.
 */
export const kUndoWaitMs = 5000;

/** Faults armed in this process, until what ending them undoes has settled: what a forced exit (a second Ctrl-C) must still undo or wait for. */
const armed = new Set<ClusterFaults>();

/** Ends every armed timeline; resolves once their heals have been answered (at most kUndoWaitMs). */
export async function restoreArmedClusterFaults(): Promise<void> {
  await Promise.all([...armed].map((faults) => faults.disarm()));
}

/**
 * The fault timeline of a run against `stampede cluster up`: each fault at its time after go, on a
 * node found by the cluster's own pid files. Ending (disarm) undoes whatever is still in effect: a
 * killed node is started again, a paused one continued, so the cluster is whole after every run.
 */
export class ClusterFaults {
  readonly events: ClusterFaultEvent[] = [];
  private timers: NodeJS.Timeout[] = [];
  /** what disarm must undo, per node: started again, continued, or healed (a request: a promise) */
  private readonly pending = new Map<number, () => void | Promise<void>>();
  /** network work in flight (a fault being set, a heal): what ending waits for */
  private readonly outstanding = new Set<Promise<void>>();
  private ended = false;
  private goMs = 0;
  /** nodes partition-node has cut off, until healed: metadata polls must not ask them (they answer on their own address, from a stale view) */
  private readonly cut = new Set<number>();

  private constructor(
    readonly cluster: LocalCluster,
    private readonly specs: readonly ClusterFaultSpec[],
    private readonly topic: string,
  ) {}

  /** Checks, before anything runs, that every fault can be injected here; bad input (exit 2) otherwise. */
  static resolve(workload: Workload): ClusterFaults | undefined {
    const specs = workload.faults.filter((spec): spec is ClusterFaultSpec => spec.kind !== 'broker-restart');
    if (specs.length === 0) return undefined;
    const refuse = (kind: string, why: string): StampedeError => new StampedeError('E_OPTION', `--fault ${kind}: ${why}`);
    const first = specs[0]!.kind;
    if (workload.hosts !== undefined || workload.instances !== undefined || workload.instanceId !== undefined) throw refuse(first, 'runs on this host only, not with --hosts or --instances');
    if (workload.client === 'null') throw refuse(first, 'needs a cluster: use --client native or node-rdkafka');
    const cluster = findClusterByBrokers(parseBrokers(workload.brokers));
    if (cluster === undefined) throw refuse(first, `acts only on a cluster stampede started (stampede cluster up), and none of --brokers ${workload.brokers} is one of its nodes; on other clusters inject faults with your own tools`);
    for (const spec of specs) {
      const node = 'node' in spec ? spec.node : undefined;
      if (node !== undefined && !cluster.nodes.some((candidate) => candidate.nodeId === node)) throw refuse(spec.kind, `no node ${node}: the cluster has nodes 1..${cluster.nodes.length}`);
      if ((spec.kind === 'delay-node' || spec.kind === 'partition-node') && cluster.network === 'direct') {
        throw refuse(spec.kind, 'needs the proxy network in front of the nodes (stampede cluster up --network proxy); this cluster runs with the direct network');
      }
    }
    return new ClusterFaults(cluster, specs, workload.topic);
  }

  /** Arms every fault, counted from go; `notice` tells the user what was done as it is done. */
  arm(notice: (text: string) => void): void {
    if (this.ended) return;
    armed.add(this);
    this.goMs = performance.now();
    for (const spec of this.specs) {
      this.timers.push(
        setTimeout(() => {
          this.inject(spec, notice).catch((err: unknown) => notice(`fault ${spec.kind}: ${(err as Error).message}`));
        }, spec.atMs),
      );
    }
  }

  /** The nodes cut off from clients and peers right now. */
  get cutOff(): ReadonlySet<number> {
    return this.cut;
  }

  private sinceGo(): number {
    return Math.round(performance.now() - this.goMs);
  }

  private async inject(spec: ClusterFaultSpec, notice: (text: string) => void): Promise<void> {
    if (this.ended) return;
    const event: ClusterFaultEvent = { kind: spec.kind, nodes: [], pids: [], startMs: this.sinceGo(), endMs: null };
    this.events.push(event);
    const fail = (why: string): void => {
      event.error = why;
      event.endMs = event.startMs;
      notice(`fault ${spec.kind}: ${why}`);
    };
    try {
      await this.act(spec, event, fail, notice);
    } catch (err) {
      fail((err as Error).message);
    }
  }

  private async act(spec: ClusterFaultSpec, event: ClusterFaultEvent, fail: (why: string) => void, notice: (text: string) => void): Promise<void> {
    switch (spec.kind) {
      case 'kill-node':
        return this.kill(event, spec.node ?? this.cluster.nodes.length, spec.downMs, notice);
      case 'kill-leader': {
        const topic = await topicState(this.cluster, spec.partition?.topic ?? this.topic);
        const target = topic && leaderToKill(topic, spec.partition?.partition);
        if (!target) return fail(`no leader found for ${spec.partition ? `${spec.partition.topic}-${spec.partition.partition}` : `topic ${this.topic}`}`);
        event.target = `leader of ${topic!.name}-${target.partition}`;
        return this.kill(event, target.node, spec.downMs, notice);
      }
      case 'kill-controller': {
        const controller = await activeController(this.cluster);
        if (controller === undefined) return fail('no node named the active controller');
        event.target = 'active controller';
        return this.kill(event, controller, spec.downMs, notice);
      }
      case 'pause-node':
        return this.pause(event, spec.node ?? this.cluster.nodes.length, spec.durationMs, notice);
      case 'rolling-restart':
        return this.roll(event, notice);
      case 'delay-node':
      case 'partition-node':
        // Tracked from the request on: a run ending while it is in flight heals after it, and waits.
        return this.track(this.network(spec, event, notice));
    }
  }

  /** delay-node / partition-node through the cluster's proxies; heal(node) undoes either. */
  private async network(spec: Extract<ClusterFaultSpec, { kind: 'delay-node' | 'partition-node' }>, event: ClusterFaultEvent, notice: (text: string) => void): Promise<void> {
    const proxies = attachProxyNetwork(networkControlFile(this.cluster.dir));
    if (spec.kind === 'delay-node') await proxies.delay(spec.node, spec.delayMs);
    else {
      await proxies.partition(spec.node);
      this.cut.add(spec.node);
    }
    event.nodes.push(spec.node);
    const pid = nodePid(this.cluster, spec.node);
    if (pid !== undefined) event.pids.push(pid);
    const what = spec.kind === 'delay-node' ? `delayed by ${spec.delayMs} ms a round trip` : 'cut off from clients and peers';
    notice(`fault: node ${spec.node} ${what} ${(event.startMs / 1000).toFixed(1)} s after the start, for ${(spec.durationMs / 1000).toFixed(1)} s`);
    const heal = (): Promise<void> => {
      this.pending.delete(spec.node);
      this.cut.delete(spec.node);
      event.endMs = this.sinceGo();
      const endS = (event.endMs / 1000).toFixed(1);
      const healed = proxies.heal(spec.node).then(
        () => notice(`fault: node ${spec.node} network healed ${endS} s after the start`),
        (err: unknown) => {
          event.error = `heal of node ${spec.node} failed: ${(err as Error).message}`;
          notice(`fault ${spec.kind}: ${event.error}; stampede cluster down --port ${this.cluster.port} ends it`);
        },
      );
      return this.track(healed);
    };
    if (this.ended) return heal();
    this.pending.set(spec.node, heal);
    this.timers.push(setTimeout(() => this.pending.get(spec.node)?.(), spec.durationMs));
  }

  private kill(event: ClusterFaultEvent, nodeId: number, downMs: number | undefined, notice: (text: string) => void): void {
    if (this.ended) return;
    const pid = killNode(this.cluster, nodeId);
    event.nodes.push(nodeId);
    event.pids.push(pid);
    const why = event.target ? ` (${event.target})` : '';
    notice(`fault: node ${nodeId}${why} killed (SIGKILL, pid ${pid}) ${(event.startMs / 1000).toFixed(1)} s after the start; ${downMs === undefined ? 'restarted when the run ends' : `restart in ${(downMs / 1000).toFixed(1)} s`}`);
    const restart = (): void => {
      this.pending.delete(nodeId);
      const newPid = reviveNode(this.cluster, nodeId);
      event.endMs = this.sinceGo();
      if (newPid !== undefined) event.pids.push(newPid);
      notice(`fault: node ${nodeId} restarted (pid ${newPid ?? '?'}) ${(event.endMs / 1000).toFixed(1)} s after the start`);
    };
    this.pending.set(nodeId, restart);
    if (downMs !== undefined) this.timers.push(setTimeout(() => this.pending.get(nodeId)?.(), downMs));
  }

  private pause(event: ClusterFaultEvent, nodeId: number, durationMs: number, notice: (text: string) => void): void {
    const pid = signalNode(this.cluster, nodeId, 'SIGSTOP');
    event.nodes.push(nodeId);
    event.pids.push(pid);
    notice(`fault: node ${nodeId} paused (SIGSTOP, pid ${pid}) ${(event.startMs / 1000).toFixed(1)} s after the start, for ${(durationMs / 1000).toFixed(1)} s`);
    const resume = (): void => {
      this.pending.delete(nodeId);
      signalNode(this.cluster, nodeId, 'SIGCONT');
      event.endMs = this.sinceGo();
      notice(`fault: node ${nodeId} continued (SIGCONT) ${(event.endMs / 1000).toFixed(1)} s after the start`);
    };
    this.pending.set(nodeId, resume);
    this.timers.push(setTimeout(() => this.pending.get(nodeId)?.(), durationMs));
  }

  private async roll(event: ClusterFaultEvent, notice: (text: string) => void): Promise<void> {
    notice(`fault: rolling restart of ${this.cluster.nodes.length} nodes from ${(event.startMs / 1000).toFixed(1)} s after the start`);
    const done = await rollingRestart(this.cluster, this.topic, () => this.ended, (nodeId, pid) => {
      event.nodes.push(nodeId);
      event.pids.push(pid);
      notice(`fault: node ${nodeId} restarted (pid ${pid}) ${(this.sinceGo() / 1000).toFixed(1)} s after the start; waiting for the ISR to refill`);
    });
    if (done) {
      event.endMs = this.sinceGo();
      notice(`fault: rolling restart done, ISR full, ${(event.endMs / 1000).toFixed(1)} s after the start`);
    } else event.error = 'the run ended before every node was restarted with its ISR full';
  }

  private track(work: Promise<void>): Promise<void> {
    this.outstanding.add(work);
    void work.finally(() => this.outstanding.delete(work));
    return work;
  }

  /**
   * Ends the timeline: faults still due are not done; nodes still down are started, paused ones
   * continued, delayed or cut-off ones healed. Resolves once every heal has been answered (at most
   * kUndoWaitMs); until then the timeline stays armed, so a forced exit still waits for it.
   */
  disarm(): Promise<void> {
    this.ended = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
    for (const undo of [...this.pending.values()]) {
      try {
        const done = undo();
        if (done) this.track(done);
      } catch {
        // a node that cannot be started again is named by cluster status; the run's result is still written
      }
    }
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, kUndoWaitMs)));
    return Promise.race([Promise.allSettled([...this.outstanding]).then(() => undefined), bound]).finally(() => {
      clearTimeout(timer);
      if (this.outstanding.size === 0) armed.delete(this);
    });
  }
}
