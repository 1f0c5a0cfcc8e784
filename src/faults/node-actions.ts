import { setTimeout as sleep } from 'node:timers/promises';
import { fetchActiveController, fetchMetadata, type WireTopic } from '../clients/kafka-wire.js';
import { nodeDirs, nodeProcess } from '../broker/cluster-node.js';
import { restartNode, stopNode, type LocalCluster } from '../broker/cluster.js';

/**
 * What a fault does to one node of a local cluster, by the pid in that node's own pid file: nothing
 * else is ever signalled.
 */
export function nodePid(cluster: LocalCluster, nodeId: number): number | undefined {
  const process = nodeProcess(nodeDirs(cluster.dir, nodeId));
  return process.state === 'down' ? undefined : process.pid;
}

/** kill -9; returns the pid killed. */
export function killNode(cluster: LocalCluster, nodeId: number): number {
  const pid = nodePid(cluster, nodeId);
  if (pid === undefined) throw new Error(`node ${nodeId} is not running`);
  process.kill(pid, 'SIGKILL');
  return pid;
}

export function signalNode(cluster: LocalCluster, nodeId: number, signal: 'SIGSTOP' | 'SIGCONT'): number {
  const pid = nodePid(cluster, nodeId);
  if (pid === undefined) throw new Error(`node ${nodeId} is not running`);
  process.kill(pid, signal);
  return pid;
}

/** Started again unless it runs; returns the new pid, or undefined when it was running. */
export function reviveNode(cluster: LocalCluster, nodeId: number): number | undefined {
  const state = nodeProcess(nodeDirs(cluster.dir, nodeId));
  if (state.state === 'paused') {
    process.kill(state.pid!, 'SIGCONT');
    return undefined;
  }
  return state.state === 'down' ? restartNode(cluster, nodeId) : undefined;
}

/** The run's topic from the first running node that answers. */
export async function topicState(cluster: LocalCluster, topic: string, timeoutMs = 1500, skip: ReadonlySet<number> = new Set()): Promise<WireTopic | undefined> {
  for (const node of cluster.nodes) {
    if (skip.has(node.nodeId) || nodeProcess(nodeDirs(cluster.dir, node.nodeId)).state !== 'up') continue;
    try {
      const metadata = await fetchMetadata(node.host, node.brokerPort, timeoutMs);
      return metadata.topics.find((candidate) => candidate.name === topic);
    } catch {
      // the next node may answer
    }
  }
  return undefined;
}

export async function activeController(cluster: LocalCluster, timeoutMs = 1500, skip: ReadonlySet<number> = new Set()): Promise<number | undefined> {
  for (const node of cluster.nodes) {
    if (skip.has(node.nodeId) || nodeProcess(nodeDirs(cluster.dir, node.nodeId)).state !== 'up') continue;
    try {
      const id = await fetchActiveController(node.host, node.brokerPort, timeoutMs);
      if (id >= 0) return id;
    } catch {
      // the next node may answer
    }
  }
  return undefined;
}

/**
 * The node to kill for kill-leader: the leader of the named partition, else of the busiest one. The
 * run's keys spread records evenly over partitions, so "busiest" is the node leading the most
 * partitions of the topic (the most traffic lost at once), its lowest such partition named.
 */
export function leaderToKill(topic: WireTopic, partition: number | undefined): { node: number; partition: number } | undefined {
  if (partition !== undefined) {
    const found = topic.partitions.find((candidate) => candidate.partition === partition);
    return found && found.leader >= 0 ? { node: found.leader, partition } : undefined;
  }
  const led = new Map<number, number[]>();
  for (const candidate of topic.partitions) if (candidate.leader >= 0) led.set(candidate.leader, [...(led.get(candidate.leader) ?? []), candidate.partition]);
  let best: { node: number; partition: number; count: number } | undefined;
  for (const [node, partitions] of led) if (!best || partitions.length > best.count) best = { node, partition: partitions[0]!, count: partitions.length };
  return best && { node: best.node, partition: best.partition };
}

export const fullIsr = (topic: WireTopic | undefined): boolean => topic !== undefined && topic.partitions.every((partition) => partition.leader >= 0 && partition.isr.length === partition.replicas.length);

/** The node answers itself, lists every node as a broker, and sees the topic with its full ISR. */
async function rejoined(cluster: LocalCluster, nodeId: number, topic: string): Promise<boolean> {
  const node = cluster.nodes.find((candidate) => candidate.nodeId === nodeId)!;
  try {
    const metadata = await fetchMetadata(node.host, node.brokerPort, 1500);
    return metadata.brokers.length === cluster.nodes.length && fullIsr(metadata.topics.find((candidate) => candidate.name === topic));
  } catch {
    return false;
  }
}

/**
 * Graceful restart of each node in turn: SIGTERM (a controlled shutdown), start again, then wait
 * until the restarted node is back among the brokers and sees every partition of the topic with its
 * full ISR, before the next node goes.
 */
export async function rollingRestart(cluster: LocalCluster, topic: string, ended: () => boolean, onNode: (nodeId: number, pid: number) => void, waitMs = 90_000): Promise<boolean> {
  for (const node of cluster.nodes) {
    if (ended()) return false;
    await stopNode(cluster, node.nodeId);
    onNode(node.nodeId, restartNode(cluster, node.nodeId));
    const deadline = Date.now() + waitMs;
    while (!(await rejoined(cluster, node.nodeId, topic))) {
      if (ended() || Date.now() > deadline) return false;
      await sleep(500);
    }
  }
  return true;
}
