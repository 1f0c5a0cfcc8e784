import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StampedeError } from '../errors.js';
import { cacheDir } from '../paths.js';
import { directNetwork } from './direct-network.js';
import { newClusterId } from './kafka-process.js';
import { launchNode, nodeDirs, renderNodeProperties, stopNodeProcess } from './cluster-node.js';
import { nodesUp, startNodes, type KraftNode } from './kraft-nodes.js';
import type { NodeAddress, NodeNetwork } from './node-network.js';
import { attachProxyNetwork, proxiedListeners, proxyLiveness, startProxyNetwork } from '../netproxy/index.js';
import { portIsFree } from './free-port.js';

/**
 * A local cluster of N combined KRaft nodes on loopback, node i on 127.0.0.(10+i) so clients, logs
 * and faults tell them apart, all on the same ports. Everything lives in .cache/cluster/<port>/:
 * cluster.json (who the nodes are), and per node its properties, data, logs and pid file, so faults
 * and `down` act on exactly the processes `up` started.
 */
export type NetworkKind = 'direct' | 'proxy';

export interface ClusterState {
  port: number;
  clusterId: string;
  heapMb: number;
  network: NetworkKind;
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

/** Where the proxies' control file lives: `cluster down` and the network faults attach to the proxies through it. */
export const networkControlFile = (dir: string): string => join(dir, 'network.json');

/** How nodes bind and advertise: behind the proxies (which listen on 127.0.0.1 at each node's ports), or directly. */
export function addressing(state: Pick<ClusterState, 'network' | 'nodes'>): Pick<NodeNetwork, 'listenersFor'> {
  if (state.network !== 'proxy') return directNetwork(state.nodes);
  const byId = new Map(state.nodes.map((node) => [node.nodeId, node]));
  return { listenersFor: (nodeId) => proxiedListeners(byId.get(nodeId)!) };
}

export function bootstrapOf(nodes: readonly NodeAddress[], network: Pick<NodeNetwork, 'listenersFor'>): string {
  return nodes.map((node) => {
    const advertised = network.listenersFor(node.nodeId).brokerAdvertised;
    return `${advertised.host}:${advertised.port}`;
  }).join(',');
}

function withDerived(dir: string, state: ClusterState): LocalCluster {
  return { ...state, network: state.network ?? 'direct', dir, bootstrap: bootstrapOf(state.nodes, addressing(state)) };
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
    if (cluster === undefined) continue;
    const view = addressing(cluster);
    const reached = cluster.nodes.flatMap((node) => [{ host: node.host, port: node.brokerPort }, view.listenersFor(node.nodeId).brokerAdvertised]);
    if (reached.some((node) => addresses.some((address) => address.host === node.host && address.port === node.port))) return cluster;
  }
  return undefined;
}

export interface ClusterUpOptions {
  nodes: number;
  port: number;
  heapMb: number;
  /** proxy: a TCP proxy in front of every listener, so delay-node and partition-node can act */
  network?: NetworkKind;
  startTimeoutMs?: number;
  log?: (line: string) => void;
}

/** Starts every node (or finds them running) and waits until each answers metadata naming all N brokers. */
export async function startCluster(options: ClusterUpOptions): Promise<LocalCluster & { alreadyRunning: boolean }> {
  const log = options.log ?? (() => {});
  const kind = options.network ?? 'direct';
  const dir = clusterDir(options.port);
  const existing = readCluster(options.port);
  if (existing && existing.nodes.length !== options.nodes) {
    throw new StampedeError('E_OPTION', `--nodes ${options.nodes}: a cluster of ${existing.nodes.length} nodes was set up on port ${options.port} (${dir}); stop it with stampede cluster down --port ${options.port} --remove-data, or pick another --port`);
  }
  if (existing && existing.network !== kind) {
    throw new StampedeError('E_OPTION', `--network ${kind}: the cluster on port ${options.port} was set up with the ${existing.network} network (${dir}); stop it with stampede cluster down --port ${options.port} --remove-data, or pick another --port`);
  }
  if (existing && (await nodesUp(kraftNodes(existing), 3000))) {
    if (kind === 'proxy') await reviveProxies(existing, log);
    return { ...existing, alreadyRunning: true };
  }
  const state: ClusterState = existing ?? { port: options.port, clusterId: newClusterId(), heapMb: options.heapMb, network: kind, nodes: clusterNodes(options.nodes, options.port, kind) };
  state.heapMb = options.heapMb;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, kStateFile), `${JSON.stringify(state, null, 2)}\n`);
  if (kind === 'proxy') await startProxies(dir, state.nodes, log);
  const cluster = withDerived(dir, state);
  const network = addressing(state);
  const launches = kraftNodes(cluster).map((node, index) => ({ ...node, properties: renderNodeProperties(state.nodes[index]!, state.nodes, network, node.dirs.kraftDir) }));
  await startNodes(launches, { clusterId: state.clusterId, heapMb: state.heapMb, startTimeoutMs: options.startTimeoutMs ?? 180_000, log });
  return { ...cluster, alreadyRunning: false };
}

/** The cluster's nodes as the node code sees them: each checked where it binds, past the proxies. */
export function kraftNodes(cluster: Pick<LocalCluster, 'dir' | 'nodes'>): KraftNode[] {
  return cluster.nodes.map((node) => ({ nodeId: node.nodeId, dirs: nodeDirs(cluster.dir, node.nodeId), host: node.host, port: node.brokerPort }));
}

/**
 * Direct: every node on the same ports, each on its own address. Proxy: the proxies all listen on
 * 127.0.0.1, so each node gets ports of its own: node i on port+2(i-1) (broker) and the next (controller).
 */
function clusterNodes(count: number, port: number, kind: NetworkKind): NodeAddress[] {
  return Array.from({ length: count }, (_, index) => {
    const brokerPort = kind === 'proxy' ? port + 2 * index : port;
    return { nodeId: index + 1, host: nodeHost(index + 1), brokerPort, controllerPort: brokerPort + 1 };
  });
}

/**
 * Nodes running but their proxies gone (the proxy process killed): clients and the nodes' links to
 * each other find nothing at the advertised addresses. Started again in front of the running nodes.
 */
async function reviveProxies(cluster: LocalCluster, log: (line: string) => void): Promise<void> {
  const liveness = await proxyLiveness(networkControlFile(cluster.dir));
  if (liveness.state === 'up') return;
  log(`network proxies down (${liveness.why}): starting them again in front of the running nodes`);
  await startProxies(cluster.dir, cluster.nodes, log, true);
}

/**
 * Replaces proxies left from an earlier `up` (nodes since gone), after checking every port is free
 * where it will listen; with the nodes running, their own addresses are theirs, so only 127.0.0.1.
 */
async function startProxies(dir: string, nodes: NodeAddress[], log: (line: string) => void, nodesRunning = false): Promise<void> {
  await stopProxies(dir);
  for (const node of nodes) {
    for (const port of [node.brokerPort, node.controllerPort]) {
      for (const host of nodesRunning ? ['127.0.0.1'] : ['127.0.0.1', node.host]) {
        if (!(await portIsFree(port, host))) throw new StampedeError('E_OPTION', `--network proxy: port ${port} on ${host} (node ${node.nodeId}) is taken; pick another --port`);
      }
    }
  }
  const network = await startProxyNetwork(nodes, { controlFile: networkControlFile(dir), detached: true });
  log(`network proxies started (pid ${network.pid}) on 127.0.0.1 in front of every node`);
}

async function stopProxies(dir: string): Promise<void> {
  if (!existsSync(networkControlFile(dir))) return;
  try {
    await attachProxyNetwork(networkControlFile(dir)).stop();
  } catch {
    // an unreadable control file names no process to stop
  }
  rmSync(networkControlFile(dir), { force: true });
}

/** Starts a node of the cluster again (after a kill or a graceful stop) with its own properties and data. */
export function restartNode(cluster: LocalCluster, nodeId: number): number {
  return launchNode(nodeDirs(cluster.dir, nodeId), cluster.heapMb);
}

/** Stops one node (SIGCONT, SIGTERM, SIGKILL after timeoutMs); false when it was not running. */
export function stopNode(cluster: LocalCluster, nodeId: number, timeoutMs = 30_000): Promise<boolean> {
  return stopNodeProcess(nodeDirs(cluster.dir, nodeId), timeoutMs);
}

export async function stopCluster(port: number, removeData: boolean): Promise<'stopped' | 'not-running'> {
  const cluster = readCluster(port);
  if (cluster === undefined) return 'not-running';
  const stopped = await Promise.all(cluster.nodes.map((node) => stopNode(cluster, node.nodeId)));
  if (cluster.network === 'proxy') await stopProxies(cluster.dir);
  if (removeData) rmSync(cluster.dir, { recursive: true, force: true });
  return stopped.some(Boolean) ? 'stopped' : 'not-running';
}
