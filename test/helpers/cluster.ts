import { setTimeout as sleep } from 'node:timers/promises';
import type { LocalCluster } from '../../src/broker/cluster.js';
import { clusterStatus } from '../../src/broker/cluster-status.js';

/**
 * Waits until every node of a test's own cluster is up and every partition of the topic has a
 * leader and its whole replica set in the ISR: how the cluster suites tell it is whole again.
 */
export async function fullIsr(local: LocalCluster, topic: string, timeoutMs = 90_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await clusterStatus(local);
    const found = status.topics.find((candidate) => candidate.name === topic);
    if (status.nodes.every((node) => node.state === 'up') && found && found.partitions.every((partition) => partition.leader >= 0 && partition.isr.length === partition.replicas.length)) return true;
    await sleep(1000);
  }
  return false;
}
