import type { LocalCluster } from '../broker/cluster.js';
import { nodeDirs, nodeProcess } from '../broker/cluster-node.js';
import type { ClusterSample, ClusterTimeline } from '../contracts/faults.js';
import { activeController, topicState } from './node-actions.js';

/**
 * The run's topic on the local cluster every interval: leaders (-1 while none runs), ISR sizes,
 * under-replicated partitions and the active controller, asked of a running node (a paused one would
 * not answer; a cut-off one answers on its own address from a view it cannot update).
 */
export class ClusterPoller {
  private readonly samples: ClusterSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private goMs = 0;

  constructor(
    private readonly cluster: LocalCluster,
    private readonly topic: string,
    private readonly intervalMs: number,
    /** nodes cut off by a network fault right now */
    private readonly cutOff: () => ReadonlySet<number> = () => new Set(),
  ) {}

  start(): void {
    this.goMs = performance.now();
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
  }

  private async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const elapsedMs = Math.round(performance.now() - this.goMs);
      const timeoutMs = Math.min(1500, this.intervalMs);
      const cut = this.cutOff();
      const [topic, controller] = await Promise.all([topicState(this.cluster, this.topic, timeoutMs, cut), activeController(this.cluster, timeoutMs, cut)]);
      if (topic === undefined) return;
      // A leader whose JVM is killed or paused, or that is cut off, serves nobody, though metadata names it until it is fenced.
      const live = new Set(this.cluster.nodes.filter((node) => !cut.has(node.nodeId) && nodeProcess(nodeDirs(this.cluster.dir, node.nodeId)).state === 'up').map((node) => node.nodeId));
      const partitions = topic.partitions.map((partition) => ({ ...partition, leader: live.has(partition.leader) ? partition.leader : -1 }));
      this.samples.push({
        elapsedMs,
        activeController: controller ?? null,
        underReplicated: partitions.filter((partition) => partition.isr.length < partition.replicas.length).length,
        minIsr: Math.min(...partitions.map((partition) => partition.isr.length)),
        leaderless: partitions.filter((partition) => partition.leader < 0).length,
        leaders: partitions.map((partition) => partition.leader),
      });
    } finally {
      this.busy = false;
    }
  }

  stop(): ClusterTimeline {
    if (this.timer) clearInterval(this.timer);
    return summarizeTimeline(this.topic, this.samples);
  }
}

/** Per partition: how often its leader moved, and how long (between samples) it had none. */
export function summarizeTimeline(topic: string, samples: readonly ClusterSample[]): ClusterTimeline {
  const count = samples[0]?.leaders.length ?? 0;
  const partitions = Array.from({ length: count }, (_, partition) => {
    let leaderChanges = 0;
    let leaderlessMs = 0;
    let last = samples[0]!.leaders[partition]!;
    samples.forEach((sample, index) => {
      const leader = sample.leaders[partition] ?? -1;
      if (leader < 0 && index > 0) leaderlessMs += sample.elapsedMs - samples[index - 1]!.elapsedMs;
      if (leader >= 0 && last >= 0 && leader !== last) leaderChanges++;
      if (leader >= 0) last = leader;
      else if (last < 0) last = leader;
    });
    return { partition, leaderChanges, leaderlessMs };
  });
  const lastSample = samples[samples.length - 1];
  return { topic, samples: [...samples], partitions, fullIsrAtEnd: lastSample !== undefined && lastSample.underReplicated === 0 && lastSample.leaderless === 0 };
}
