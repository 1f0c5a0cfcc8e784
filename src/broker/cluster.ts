import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StampedeError } from '../errors.js';
import { fetchMetadata } from '../clients/kafka-wire.js';
import { cacheDir } from '../paths.js';
import { directNetwork } from './direct-network.js';
import { requireJava17 } from './java.js';
import { ensureKafkaJars, isAlive, newClusterId } from './kafka-process.js';
import { formatNode, launchNode, nodeDirs, nodeProcess, nodeStartFailure, renderNodeProperties, writeNodeProperties } from './cluster-node.js';
import type { NodeAddress, NodeNetwork } from './node-network.js';

/**
 * A local cluster of N combined KRaft nodes on loopback, node i on 127.0.0.(10+i) so clients, logs
 * and faults tell them apart, all on the same ports. Everything lives in .cache/cluster/<port>/:
 * cluster.json (who the nodes are), and per node its properties, data, logs and pid file, so faults
 * and `down` act on exactly the processes `up` started.
 */
export interface ClusterState {
  port: number;
  clusterId: string;
  heapMb: number;
  network: string;
  nodes: NodeAddress[];
}

export interface LocalCluster extends ClusterState {
  dir: string;
  bootstrap: string;
}

const kStateFile = 'cluster.json';
export const kMaxNodes = 9;

export const clusterDir = (port: number): string => join(cacheDir, 'cluster', String(port));

export function nodeHost(nodeId: number): string {
  return `127.0.0.${10 + nodeId}`;
}

export function bootstrapOf(nodes: readonly NodeAddress[], network: NodeNetwork): string {
  return nodes.map((node) => {
    const advertised = network.listenersFor(node.nodeId).brokerAdvertised;
    return `${advertised.host}:${advertised.port}`;
  }).join(',');
}

function withDerived(dir: string, state: ClusterState): LocalCluster {
  return { ...state, dir, bootstrap: bootstrapOf(state.nodes, directNetwork(state.nodes)) };
}

export function readCluster(port: number): LocalCluster | undefined {
  const dir = clusterDir(port);
  try {
    return withDerived(dir, JSON.parse(readFileSync(join(dir, kStateFile), 'utf8')) as ClusterState);
  } catch {
    return undefined;
  }
}

/** The local cluster one of whose nodes is among these host:port addresses, if stampede started one. */
export function findClusterByBrokers(addresses: readonly { host: string; port: number }[]): LocalCluster | undefined {
  const root = join(cacheDir, 'cluster');
  if (!existsSync(root)) return undefined;
  for (const name of readdirSync(root)) {
    const cluster = readCluster(Number(name));
    if (cluster?.nodes.some((node) => addresses.some((address) => address.host === node.host && address.port === node.brokerPort))) return cluster;
  }
  return undefined;
}

export interface ClusterUpOptions {
  nodes: number;
  port: number;
  heapMb: number;
  startTimeoutMs?: number;
  log?: (line: string) => void;
}

/** Starts every node (or finds them running) and waits until each answers metadata naming all N brokers. */
export async function startCluster(options: ClusterUpOptions): Promise<LocalCluster & { alreadyRunning: boolean }> {
  const log = options.log ?? (() => {});
  const dir = clusterDir(options.port);
  const existing = readCluster(options.port);
  if (existing && existing.nodes.length !== options.nodes) {
    throw new StampedeError('E_OPTION', `--nodes ${options.nodes}: a cluster of ${existing.nodes.length} nodes was set up on port ${options.port} (${dir}); stop it with stampede cluster down --port ${options.port} --remove-data, or pick another --port`);
  }
  if (existing && existing.nodes.every((node) => nodeProcess(nodeDirs(dir, node.nodeId)).state !== 'down') && (await clusterAnswers(existing, 3000))) {
    return { ...existing, alreadyRunning: true };
  }
  requireJava17();
  await ensureKafkaJars({ log });
  const nodes: NodeAddress[] = Array.from({ length: options.nodes }, (_, index) => ({ nodeId: index + 1, host: nodeHost(index + 1), brokerPort: options.port, controllerPort: options.port + 1 }));
  const state: ClusterState = existing ?? { port: options.port, clusterId: newClusterId(), heapMb: options.heapMb, network: 'direct', nodes };
  state.heapMb = options.heapMb;
  const network = directNetwork(state.nodes);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, kStateFile), `${JSON.stringify(state, null, 2)}\n`);
  for (const node of state.nodes) {
    const dirs = nodeDirs(dir, node.nodeId);
    writeNodeProperties(dirs, renderNodeProperties(node, state.nodes, network, dirs.kraftDir));
    formatNode(dirs, state.clusterId);
  }
  for (const node of state.nodes) {
    const dirs = nodeDirs(dir, node.nodeId);
    if (nodeProcess(dirs).state === 'down') log(`node ${node.nodeId}: started Kafka (pid ${launchNode(dirs, state.heapMb)}) on ${node.host}:${node.brokerPort}`);
  }
  const cluster = withDerived(dir, state);
  log(`waiting for all ${state.nodes.length} nodes to answer metadata…`);
  await waitForCluster(cluster, options.startTimeoutMs ?? 180_000);
  return { ...cluster, alreadyRunning: false };
}

/** Every node answers a Metadata request listing every node as a broker. */
export async function clusterAnswers(cluster: LocalCluster, timeoutMs: number): Promise<boolean> {
  const answers = await Promise.all(
    cluster.nodes.map((node) =>
      fetchMetadata(node.host, node.brokerPort, timeoutMs).then(
        (metadata) => metadata.brokers.length === cluster.nodes.length,
        () => false,
      ),
    ),
  );
  return answers.every(Boolean);
}

async function waitForCluster(cluster: LocalCluster, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const node of cluster.nodes) {
      const dirs = nodeDirs(cluster.dir, node.nodeId);
      if (nodeProcess(dirs).state === 'down') throw new StampedeError('E_LOCAL_BROKER', `node ${node.nodeId} exited while starting; ${nodeStartFailure(dirs)}`);
    }
    if (await clusterAnswers(cluster, 2000)) return;
    await sleep(500);
  }
  throw new StampedeError('E_LOCAL_BROKER', `the cluster did not answer on ${cluster.bootstrap} within ${Math.round(timeoutMs / 1000)} s; see ${cluster.dir}/node-*/logs`);
}

/** Starts a node of the cluster again (after a kill or a graceful stop) with its own properties and data. */
export function restartNode(cluster: LocalCluster, nodeId: number): number {
  return launchNode(nodeDirs(cluster.dir, nodeId), cluster.heapMb);
}

/** SIGCONT (a paused node ignores SIGTERM), SIGTERM, then SIGKILL after timeoutMs. */
export async function stopNode(cluster: LocalCluster, nodeId: number, timeoutMs = 30_000): Promise<boolean> {
  const { pid, state } = nodeProcess(nodeDirs(cluster.dir, nodeId));
  if (pid === undefined || state === 'down') return false;
  process.kill(pid, 'SIGCONT');
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  return true;
}

export async function stopCluster(port: number, removeData: boolean): Promise<'stopped' | 'not-running'> {
  const cluster = readCluster(port);
  if (cluster === undefined) return 'not-running';
  const stopped = await Promise.all(cluster.nodes.map((node) => stopNode(cluster, node.nodeId)));
  if (removeData) rmSync(cluster.dir, { recursive: true, force: true });
  return stopped.some(Boolean) ? 'stopped' : 'not-running';
}
