import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StampedeError } from '../errors.js';
import { isAlive, javaArgs, kPidFile, lastLines, readPid } from './kafka-process.js';
import type { NodeAddress, NodeNetwork } from './node-network.js';

/** Replication settings that make sense for N nodes: RF 3 at most, two in-sync copies from three nodes on. */
export function replicationDefaults(nodes: number): { replicationFactor: number; minInsync: number } {
  return { replicationFactor: Math.min(3, nodes), minInsync: nodes >= 3 ? 2 : 1 };
}

/**
 * One combined KRaft node (broker + controller) of a local cluster. Static voters: every node knows
 * the whole quorum from its properties, so the nodes start together and none is special.
 */
export function renderNodeProperties(node: NodeAddress, all: readonly NodeAddress[], network: Pick<NodeNetwork, 'listenersFor'>, logDir: string): string {
  const { replicationFactor, minInsync } = replicationDefaults(all.length);
  const listeners = network.listenersFor(node.nodeId);
  const voters = all.map((peer) => {
    const advertised = network.listenersFor(peer.nodeId).controllerAdvertised;
    return `${peer.nodeId}@${advertised.host}:${advertised.port}`;
  });
  const broker = `PLAINTEXT://${listeners.brokerAdvertised.host}:${listeners.brokerAdvertised.port}`;
  const controller = `CONTROLLER://${listeners.controllerAdvertised.host}:${listeners.controllerAdvertised.port}`;
  // Behind proxies the controller is reached elsewhere than it binds: it must say where.
  const proxied = listeners.controllerAdvertised.host !== listeners.controllerBind.host || listeners.controllerAdvertised.port !== listeners.controllerBind.port;
  return [
    '# A node of a local stampede cluster: broker and controller in one JVM (written by stampede cluster up).',
    'process.roles=broker,controller',
    `node.id=${node.nodeId}`,
    `controller.quorum.voters=${voters.join(',')}`,
    `listeners=PLAINTEXT://${listeners.brokerBind.host}:${listeners.brokerBind.port},CONTROLLER://${listeners.controllerBind.host}:${listeners.controllerBind.port}`,
    `advertised.listeners=${proxied ? `${broker},${controller}` : broker}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${logDir}`,
    `default.replication.factor=${replicationFactor}`,
    `min.insync.replicas=${minInsync}`,
    `offsets.topic.replication.factor=${replicationFactor}`,
    `transaction.state.log.replication.factor=${replicationFactor}`,
    `transaction.state.log.min.isr=${minInsync}`,
    `share.coordinator.state.topic.replication.factor=${replicationFactor}`,
    `share.coordinator.state.topic.min.isr=${minInsync}`,
    'num.partitions=6',
    'auto.create.topics.enable=false',
    'group.initial.rebalance.delay.ms=0',
    // A node killed or paused is fenced after 6 s instead of 9: failover fits short runs.
    'broker.session.timeout.ms=6000',
    'broker.heartbeat.interval.ms=1000',
    // 2-core hosts running several JVMs: few threads each.
    'num.network.threads=2',
    'num.io.threads=2',
    'num.replica.fetchers=1',
    'log.segment.bytes=134217728',
    'log.retention.hours=1',
    '',
  ].join('\n');
}

export interface NodeDirs {
  dataDir: string;
  logsDir: string;
  kraftDir: string;
  propertiesPath: string;
}

/**
 * One node's folder, the same layout for every Kafka JVM stampede starts (`broker up`'s one node in
 * its data folder, each node of a cluster in node-<id>/): its properties, KRaft data, logs and pid file.
 */
export function nodeDirsAt(dataDir: string): NodeDirs {
  return { dataDir, logsDir: join(dataDir, 'logs'), kraftDir: join(dataDir, 'kraft'), propertiesPath: join(dataDir, 'server.properties') };
}

export function nodeDirs(clusterDir: string, nodeId: number): NodeDirs {
  return nodeDirsAt(join(clusterDir, `node-${nodeId}`));
}

/**
 * Formats the node's storage with the cluster's id, once (a restart reuses it). `more`: StorageTool
 * arguments of the kind of quorum (--standalone) and SCRAM users (--add-scram), which exist only from the format on.
 */
export function formatNode(dirs: NodeDirs, clusterId: string, more: readonly string[] = [], log: (line: string) => void = () => {}): void {
  if (existsSync(join(dirs.kraftDir, 'meta.properties'))) return;
  log(`formatting KRaft storage in ${dirs.kraftDir}…`);
  const format = spawnSync('java', [...javaArgs(256, dirs.logsDir), 'kafka.tools.StorageTool', 'format', ...more, '-t', clusterId, '-c', dirs.propertiesPath], { encoding: 'utf8' });
  if (format.error) throw new StampedeError('E_LOCAL_BROKER', `cannot run java (${format.error.message}); install Java 17+`);
  if (format.status !== 0) throw new StampedeError('E_LOCAL_BROKER', `formatting KRaft storage in ${dirs.kraftDir} failed: ${format.stderr.trim().split('\n').slice(-3).join(' | ')}`);
}

/** Written readable by its owner only: extra properties may carry passwords (JAAS, key passwords). */
export function writeNodeProperties(dirs: NodeDirs, text: string): void {
  mkdirSync(dirs.logsDir, { recursive: true });
  writeFileSync(dirs.propertiesPath, text, { mode: 0o600 });
}

/**
 * Waits (bounded) until a JVM of this node that was just killed has exited. SIGKILL is not instant:
 * a JVM with a 1 GiB heap takes a moment to go, longer on a busy host, and until it has gone it
 * holds the node's ports and its log directory's lock, so a new JVM started beside it exits at once
 * and the node stays down (a restart 0.2 s after a kill did so under fresh-clone CI). Synchronous,
 * as the restart is: it runs where a run ends and must be done before the process exits.
 */
function awaitExitSync(pid: number | undefined, timeoutMs: number): void {
  if (pid === undefined) return;
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) Atomics.wait(cell, 0, 0, 20);
}

/** Starts the node's JVM detached and records its pid; returns the pid. */
export function launchNode(dirs: NodeDirs, heapMb: number): number {
  awaitExitSync(readPid(dirs.dataDir), 10_000);
  const out = openSync(join(dirs.logsDir, 'stdout.log'), 'a');
  const child = spawn('java', [...javaArgs(heapMb, dirs.logsDir), 'kafka.Kafka', dirs.propertiesPath], { detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  if (child.pid === undefined) throw new StampedeError('E_LOCAL_BROKER', `java did not start for ${dirs.dataDir}`);
  child.unref();
  writeFileSync(join(dirs.dataDir, kPidFile), `${child.pid}\n`);
  return child.pid;
}

export type NodeProcessState = 'up' | 'paused' | 'down';

/** The node's JVM from its pid file: running, stopped by SIGSTOP (state T in /proc/PID/stat), or gone. */
export function nodeProcess(dirs: NodeDirs): { pid?: number; state: NodeProcessState } {
  const pid = readPid(dirs.dataDir);
  if (pid === undefined || !isAlive(pid)) return { state: 'down' };
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return { pid, state: state === 'T' ? 'paused' : 'up' };
  } catch {
    return { pid, state: 'up' };
  }
}

/** Where to look, and the last lines of the JVM's output (or of Kafka's log when the JVM printed nothing). */
export function nodeStartFailure(dirs: NodeDirs): string {
  const stdout = join(dirs.logsDir, 'stdout.log');
  const server = join(dirs.logsDir, 'server.log');
  const printed = lastLines(stdout);
  return `see ${stdout} and ${server}: ${printed === '' ? firstErrors(server) : printed}`;
}

/** The first ERROR line of Kafka's log and the exception under it: the cause, where the last lines are a stack trace. */
function firstErrors(path: string): string {
  try {
    const lines = readFileSync(path, 'utf8').split('\n');
    const at = lines.findIndex((line) => / ERROR /.test(line));
    return at < 0 ? '(no error logged)' : lines.slice(at, at + 2).map((line) => line.trim()).join(' | ');
  } catch {
    return '(no output)';
  }
}

/**
 * Stops the node's JVM: SIGCONT (a paused JVM would not act on SIGTERM), SIGTERM, then SIGKILL after
 * timeoutMs; its pid file goes. False when it was not running.
 */
export async function stopNodeProcess(dirs: NodeDirs, timeoutMs = 30_000): Promise<boolean> {
  const { pid, state } = nodeProcess(dirs);
  rmSync(join(dirs.dataDir, kPidFile), { force: true });
  if (pid === undefined || state === 'down') return false;
  process.kill(pid, 'SIGCONT');
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  return true;
}
