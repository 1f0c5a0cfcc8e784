import { BrokerRestart } from '../faults/broker-restart.js';
import { ClusterFaults } from '../faults/cluster-faults.js';
import { ClusterPoller } from '../faults/cluster-poller.js';
import { judgeFaultWindow } from '../verdicts/fault-windows.js';
import type { RunResult } from '../contracts/result.js';
import type { ClusterTimeline, ErrorCodeSample } from '../contracts/faults.js';
import type { Workload } from '../options/workload-shape.js';

/**
 * A run's faults, whichever kind: the single broker's restart, or the timeline on a local cluster
 * with the metadata poller beside it. Resolved before anything runs (a fault that cannot be
 * injected here is bad input), armed at go, ended when sampling ends or the run is stopped.
 */
export class FaultTimeline {
  private timeline: ClusterTimeline | undefined;

  private constructor(
    private readonly broker: BrokerRestart | undefined,
    private readonly cluster: ClusterFaults | undefined,
    private readonly poller: ClusterPoller | undefined,
  ) {}

  static resolve(workload: Workload): FaultTimeline | undefined {
    const broker = BrokerRestart.resolve(workload);
    const cluster = ClusterFaults.resolve(workload);
    if (!broker && !cluster) return undefined;
    const poller = cluster ? new ClusterPoller(cluster.cluster, workload.topic, workload.intervalMs, () => cluster.cutOff) : undefined;
    return new FaultTimeline(broker, cluster, poller);
  }

  arm(notice: (text: string) => void): void {
    this.broker?.arm(notice);
    this.cluster?.arm(notice);
    this.poller?.start();
  }

  /** Idempotent: what is still in effect is undone, the poller stops; resolves once the undoing that goes over the network (a heal) is answered, or after a bound. */
  async disarm(): Promise<void> {
    this.broker?.disarm();
    const undone = this.cluster?.disarm();
    if (this.poller && !this.timeline) this.timeline = this.poller.stop();
    await undone;
  }

  /**
   * The events, each cluster fault judged against the run's intervals (and its windows' failures by
   * error name from each producer thread's reads, where the client can tell), and the cluster's timeline.
   */
  attach(result: RunResult, runEndMs: number, errorCodes: readonly (ErrorCodeSample[] | undefined)[] = []): void {
    const clusterEvents = this.cluster?.events ?? [];
    const timelines = errorCodes.filter((samples): samples is ErrorCodeSample[] => samples !== undefined);
    for (const event of clusterEvents) judgeFaultWindow(event, result.intervals, result.workload.intervalMs, runEndMs, timelines);
    result.faults = [...(this.broker?.events ?? []), ...clusterEvents];
    if (this.timeline) result.cluster = this.timeline;
  }
}
