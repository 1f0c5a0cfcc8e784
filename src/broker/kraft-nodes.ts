import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fetchMetadata } from '../clients/kafka-wire.js';
import { StampedeError } from '../errors.js';
import { formatNode, launchNode, nodeProcess, nodeStartFailure, stopNodeProcess, writeNodeProperties, type NodeDirs, type NodeProcessState } from './cluster-node.js';
import { requireJava17 } from './java.js';
import { ensureKafkaJars, type KafkaSource } from './kafka-process.js';

/**
 * The one code path that starts, checks and reports the Kafka JVMs stampede runs on this host: a
 * set of combined KRaft nodes (broker and controller in one JVM). `stampede broker up` is a set of
 * one (local.ts), `stampede cluster up` a set of N (cluster.ts); both get the same folder layout,
 * pid files, readiness check, failure messages and per-node status.
 */
export interface KraftNode {
  nodeId: number;
  dirs: NodeDirs;
  /** where the node's PLAINTEXT listener binds: readiness and status ask the node itself, past any proxy in front of it */
  host: string;
  port: number;
}

export interface KraftNodeLaunch extends KraftNode {
  /** the node's server.properties */
  properties: string;
  /** StorageTool format arguments: the kind of quorum (--standalone) and SCRAM users */
  formatArgs?: string[];
}

export interface StartNodesOptions {
  clusterId: string;
  heapMb: number;
  startTimeoutMs: number;
  log: (line: string) => void;
  kafkaSource?: KafkaSource;
}

export interface NodeStatus {
  nodeId: number;
  host: string;
  port: number;
  pid: number | null;
  state: NodeProcessState;
}

export function nodeStatus(node: KraftNode): NodeStatus {
  const process = nodeProcess(node.dirs);
  return { nodeId: node.nodeId, host: node.host, port: node.port, pid: process.pid ?? null, state: process.state };
}

/** A Kafka broker (any, stampede's or not) answers a Metadata request at host:port; how many brokers it names, else 0. */
export async function brokersNamedAt(host: string, port: number, timeoutMs: number): Promise<number> {
  try {
    return (await fetchMetadata(host, port, timeoutMs)).brokers.length;
  } catch {
    return 0;
  }
}

/** Every node answers a Metadata request naming all of them as brokers: the set is ready. */
export async function nodesAnswer(nodes: readonly KraftNode[], timeoutMs: number): Promise<boolean> {
  const named = await Promise.all(nodes.map((node) => brokersNamedAt(node.host, node.port, timeoutMs)));
  return named.every((count) => count === nodes.length);
}

/** Every node's JVM runs (by its pid file) and the set is ready: an `up` then leaves it as it is. */
export async function nodesUp(nodes: readonly KraftNode[], timeoutMs: number): Promise<boolean> {
  return nodes.every((node) => nodeProcess(node.dirs).state !== 'down') && (await nodesAnswer(nodes, timeoutMs));
}

/**
 * Writes each node's properties, formats its storage once, starts the nodes not running, and waits
 * until the set is ready. A node that exits while starting, or a set not ready in time, fails the
 * start, and the JVMs this call started are stopped again.
 */
export async function startNodes(launches: readonly KraftNodeLaunch[], options: StartNodesOptions): Promise<void> {
  await refuseForeignBrokers(launches);
  requireJava17();
  await ensureKafkaJars({ log: options.log, ...(options.kafkaSource ? { source: options.kafkaSource } : {}) });
  for (const node of launches) {
    writeNodeProperties(node.dirs, node.properties);
    formatNode(node.dirs, options.clusterId, node.formatArgs, options.log);
  }
  const started: NodeDirs[] = [];
  for (const node of launches) {
    if (nodeProcess(node.dirs).state !== 'down') continue;
    const pid = launchNode(node.dirs, options.heapMb);
    started.push(node.dirs);
    options.log(launches.length === 1 ? `started Kafka (pid ${pid}) on ${node.host}:${node.port}; waiting for it to answer metadata requests…` : `node ${node.nodeId}: started Kafka (pid ${pid}) on ${node.host}:${node.port}`);
  }
  if (launches.length > 1) options.log(`waiting for all ${launches.length} nodes to answer metadata requests…`);
  try {
    await waitForNodes(launches, options.startTimeoutMs);
  } catch (err) {
    await Promise.all(started.map((dirs) => stopNodeProcess(dirs)));
    throw err;
  }
}

/** A node not started by stampede whose address already answers would take the new JVM's port: refused before anything is written. */
async function refuseForeignBrokers(nodes: readonly KraftNode[]): Promise<void> {
  for (const node of nodes) {
    if (nodeProcess(node.dirs).state !== 'down') continue;
    if ((await brokersNamedAt(node.host, node.port, 1000)) > 0) {
      throw new StampedeError('E_LOCAL_BROKER', `a Kafka broker not started by stampede already answers on ${node.host}:${node.port}; use --brokers ${node.host}:${node.port} or pick another --port`);
    }
  }
}

async function waitForNodes(nodes: readonly KraftNode[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const one = nodes.length === 1;
  while (Date.now() < deadline) {
    for (const node of nodes) {
      if (nodeProcess(node.dirs).state === 'down') throw new StampedeError('E_LOCAL_BROKER', `${one ? 'Kafka' : `node ${node.nodeId}`} exited while starting; ${nodeStartFailure(node.dirs)}`);
    }
    if (await nodesAnswer(nodes, 2000)) return;
    await sleep(250);
  }
  const where = nodes.map((node) => `${node.host}:${node.port}`).join(',');
  const logs = one ? join(nodes[0]!.dirs.logsDir, 'stdout.log') : join(dirname(nodes[0]!.dirs.dataDir), 'node-*', 'logs');
  throw new StampedeError('E_LOCAL_BROKER', `${one ? 'Kafka' : 'the cluster'} did not answer on ${where} within ${Math.round(timeoutMs / 1000)} s; see ${logs}`);
}
