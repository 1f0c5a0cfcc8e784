import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { StampedeError } from '../errors.js';
import { configsDir } from '../paths.js';
import { launchNode, nodeDirsAt, nodeProcess, stopNodeProcess } from './cluster-node.js';
import { userCacheDir } from './kafka-jars.js';
import { newClusterId, type KafkaSource } from './kafka-process.js';
import { brokersNamedAt, nodeStatus, nodesUp, startNodes, type KraftNode, type NodeStatus } from './kraft-nodes.js';
import { renderServerProperties, scramFormatArgs, type BrokerExtras } from './settings.js';

export { ensureKafkaJars, newClusterId, type KafkaSource } from './kafka-process.js';
export type { BrokerExtras, BrokerListener, ScramUser } from './settings.js';

/**
 * `stampede broker up`: the one-node case of the local KRaft nodes (kraft-nodes.ts, which `cluster
 * up` starts N of), its jars the pinned list configs/broker/kafka-jars.txt fetched from Maven
 * Central into the user's cache. Its properties, data, logs and pid file live in one folder laid out
 * as each cluster node's, so `down` stops exactly the process `up` started.
 */
export interface LocalBrokerOptions {
  port: number;
  controllerPort?: number;
  /** Default: <user cache>/broker/<port> (~/.cache/stampede/broker/<port>) */
  dataDir?: string;
  heapMb?: number;
  startTimeoutMs?: number;
  /** Progress for people: "fetching Apache Kafka … from Maven Central…" */
  log?: (line: string) => void;
  /**
   * More listeners, properties and SCRAM users (tests of secured clusters). Absent: the broker is
   * exactly configs/broker/server.properties. SCRAM users only take effect on a fresh data folder.
   */
  extras?: BrokerExtras;
  /**
   * The loopback address the broker and controller listeners bind (default 127.0.0.1). They are
   * still advertised at 127.0.0.1 on the same ports, where a network proxy in front of the broker
   * (src/netproxy) listens and forwards here.
   */
  bindHost?: string;
  /** Where the jars come from on first use (default: Maven Central, fetched by stampede) */
  kafkaSource?: KafkaSource;
}

export interface LocalBroker {
  pid: number;
  port: number;
  dataDir: string;
  alreadyRunning: boolean;
}

/** In the user's cache, not the package's folder: a global install may be read-only for its users. */
export const defaultDataDir = (port: number): string => join(userCacheDir(), 'broker', String(port));

/** `broker up`'s one node: its own folder, checked on the address its PLAINTEXT listener binds. */
export function localBrokerNode(port: number, dataDir = defaultDataDir(port), bindHost = '127.0.0.1'): KraftNode {
  return { nodeId: 1, dirs: nodeDirsAt(dataDir), host: bindHost, port };
}

/** Starts the broker (or finds it running): the node code's start of one node, its properties from configs/broker/server.properties. */
export async function startLocalBroker(options: LocalBrokerOptions): Promise<LocalBroker> {
  const port = options.port;
  const controllerPort = options.controllerPort ?? port + 1;
  if (controllerPort > 65_535) {
    throw new StampedeError('E_OPTION', `--port ${port}: the local broker's controller listens on the next port, and ${controllerPort} is past 65535; pick a port up to 65534`);
  }
  const dataDir = options.dataDir ?? defaultDataDir(port);
  const node = localBrokerNode(port, dataDir, options.bindHost);
  const running = (alreadyRunning: boolean): LocalBroker => ({ pid: nodeProcess(node.dirs).pid!, port, dataDir, alreadyRunning });
  if (await nodesUp([node], 3000)) return running(true);
  const template = readFileSync(join(configsDir, 'broker', 'server.properties'), 'utf8');
  const substituted = bindListeners(template, options.bindHost).replaceAll('${PORT}', String(port)).replaceAll('${CONTROLLER_PORT}', String(controllerPort)).replaceAll('${LOG_DIR}', node.dirs.kraftDir);
  const properties = options.extras ? renderServerProperties(substituted, options.extras) : substituted;
  // A quorum of this one controller, found through controller.quorum.bootstrap.servers.
  const formatArgs = ['--standalone', ...scramFormatArgs(options.extras?.scramUsers)];
  await startNodes([{ ...node, properties, formatArgs }], {
    clusterId: newClusterId(),
    heapMb: options.heapMb ?? 1024,
    startTimeoutMs: options.startTimeoutMs ?? 90_000,
    log: options.log ?? (() => {}),
    ...(options.kafkaSource ? { kafkaSource: options.kafkaSource } : {}),
  });
  return running(false);
}

/** The template's `listeners=` line on another loopback address; advertised addresses stay. */
function bindListeners(template: string, bindHost: string | undefined): string {
  if (bindHost === undefined) return template;
  return template.replace(/^listeners=.*$/m, (line) => line.replaceAll('//127.0.0.1:', `//${bindHost}:`));
}

export function localBrokerProcess(port: number, dataDir = defaultDataDir(port)): { pid: number; dataDir: string } | undefined {
  const { pid, state } = nodeProcess(nodeDirsAt(dataDir));
  return pid !== undefined && state !== 'down' ? { pid, dataDir } : undefined;
}

/**
 * kill -9 of a broker stampede started (fault injection: a crash, no clean shutdown). `restart`
 * starts it again as `up` did, with the same properties, data and heap (read from the JVM's command
 * line before the kill), and returns the new pid, written to the pid file as `up` does.
 */
export function crashLocalBroker(broker: { pid: number; dataDir: string }): { restart(): number } {
  const heapMb = heapMbOf(readFileSync(`/proc/${broker.pid}/cmdline`, 'utf8').split('\0'));
  process.kill(broker.pid, 'SIGKILL');
  return { restart: () => launchNode(nodeDirsAt(broker.dataDir), heapMb) };
}

/** The -Xmx of a JVM's arguments, in MiB (1024 when absent). */
export function heapMbOf(argv: readonly string[]): number {
  const match = argv.map((arg) => /^-Xmx(\d+)m$/.exec(arg)).find((found) => found !== null);
  return match ? Number(match[1]) : 1024;
}

/** Stops the broker whose pid file is in dataDir: SIGCONT, SIGTERM, then SIGKILL after 30 s. */
export async function stopLocalBroker(options: { port: number; dataDir?: string; removeData?: boolean }): Promise<'stopped' | 'not-running'> {
  const dataDir = options.dataDir ?? defaultDataDir(options.port);
  const stopped = await stopNodeProcess(nodeDirsAt(dataDir));
  if (options.removeData) rmSync(dataDir, { recursive: true, force: true });
  return stopped ? 'stopped' : 'not-running';
}

/** The node's status as `cluster status` reports each node's, and whether any broker (stampede's or another) answers on 127.0.0.1:port. */
export async function localBrokerStatus(options: { port: number; dataDir?: string }): Promise<NodeStatus & { answering: boolean }> {
  const node = nodeStatus(localBrokerNode(options.port, options.dataDir));
  return { ...node, answering: (await brokersNamedAt('127.0.0.1', options.port, 2000)) > 0 };
}
