import { fetchActiveController, fetchMetadata, type WireMetadata, type WireTopic } from '../clients/kafka-wire.js';
import { kraftNodes, type LocalCluster } from './cluster.js';
import { nodeStatus, type NodeStatus } from './kraft-nodes.js';

export interface ClusterStatus {
  bootstrap: string;
  network: string;
  nodes: NodeStatus[];
  /** node id of the active KRaft controller, null when no node could say */
  activeController: number | null;
  topics: WireTopic[];
}

export function nodeStatuses(cluster: LocalCluster): NodeStatus[] {
  return kraftNodes(cluster).map(nodeStatus);
}

/** Metadata and the quorum leader from the first running node that answers (a paused node would only time out). */
export async function clusterView(cluster: LocalCluster, nodes: readonly NodeStatus[], timeoutMs = 2000): Promise<{ metadata: WireMetadata | null; activeController: number | null }> {
  for (const node of nodes.filter((candidate) => candidate.state === 'up')) {
    try {
      const metadata = await fetchMetadata(node.host, node.port, timeoutMs);
      const activeController = await fetchActiveController(node.host, node.port, timeoutMs).then(
        (id) => (id >= 0 ? id : null),
        () => null,
      );
      return { metadata, activeController };
    } catch {
      // the next node may answer
    }
  }
  return { metadata: null, activeController: null };
}

export async function clusterStatus(cluster: LocalCluster, includeInternal = false): Promise<ClusterStatus> {
  const nodes = nodeStatuses(cluster);
  const view = await clusterView(cluster, nodes);
  const topics = (view.metadata?.topics ?? []).filter((topic) => includeInternal || !topic.internal);
  return { bootstrap: cluster.bootstrap, network: cluster.network, nodes, activeController: view.activeController, topics };
}

/** The lines `stampede cluster status` prints. */
export function renderClusterStatus(status: ClusterStatus): string[] {
  const lines = [`cluster ${status.bootstrap} (${status.network} network), active controller: ${status.activeController === null ? 'unknown' : `node ${status.activeController}`}`];
  for (const node of status.nodes) lines.push(`  node ${node.nodeId}  ${node.host}:${node.port}  ${node.state}${node.pid === null ? '' : ` (pid ${node.pid})`}`);
  for (const topic of status.topics) {
    lines.push(`topic ${topic.name}: ${topic.partitions.length} partitions`);
    for (const partition of topic.partitions) {
      const short = partition.isr.length < partition.replicas.length ? '  under-replicated' : '';
      lines.push(`  ${topic.name}-${partition.partition}  leader ${partition.leader < 0 ? 'none' : partition.leader}  replicas ${partition.replicas.join(',')}  isr ${partition.isr.join(',')}${short}`);
    }
  }
  return lines;
}
