import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StampedeError } from '../errors.js';
import { configsDir } from '../paths.js';
import { requireJava17 } from './java.js';
import { userCacheDir } from './kafka-jars.js';
import { answersMetadata, ensureKafkaJars, isAlive, javaArgs, kPidFile, lastLines, newClusterId, readPid, type KafkaSource } from './kafka-process.js';
import { renderServerProperties, scramFormatArgs, type BrokerExtras } from './settings.js';

export { ensureKafkaJars, newClusterId, type KafkaSource } from './kafka-process.js';
export type { BrokerExtras, BrokerListener, ScramUser } from './settings.js';

/**
 * A single-node Apache Kafka broker in KRaft mode (controller and broker in one JVM), its jars the
 * pinned list configs/broker/kafka-jars.txt fetched from Maven Central into the user's cache. Its data, log and pid file live in
 * one folder, so `down` stops exactly the process `up` started.
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

export async function startLocalBroker(options: LocalBrokerOptions): Promise<LocalBroker> {
  const log = options.log ?? (() => {});
  const port = options.port;
  const controllerPort = options.controllerPort ?? port + 1;
  if (controllerPort > 65_535) {
    throw new StampedeError('E_OPTION', `--port ${port}: the local broker's controller listens on the next port, and ${controllerPort} is past 65535; pick a port up to 65534`);
  }
  const dataDir = options.dataDir ?? defaultDataDir(port);
  const existing = readPid(dataDir);
  if (existing !== undefined && isAlive(existing) && (await answersMetadata(port, 3000))) {
    return { pid: existing, port, dataDir, alreadyRunning: true };
  }
  if (await answersMetadata(port, 1000)) {
    throw new StampedeError('E_LOCAL_BROKER', `a Kafka broker not started by stampede already answers on 127.0.0.1:${port}; use --brokers 127.0.0.1:${port} or pick another --port`);
  }
  requireJava17();
  const libsDir = await ensureKafkaJars({ log, ...(options.kafkaSource ? { source: options.kafkaSource } : {}) });

  const logsDir = join(dataDir, 'logs');
  const kraftDir = join(dataDir, 'kraft');
  mkdirSync(logsDir, { recursive: true });
  const propertiesPath = join(dataDir, 'server.properties');
  const template = readFileSync(join(configsDir, 'broker', 'server.properties'), 'utf8');
  const substituted = bindListeners(template, options.bindHost).replaceAll('${PORT}', String(port)).replaceAll('${CONTROLLER_PORT}', String(controllerPort)).replaceAll('${LOG_DIR}', kraftDir);
  // Extras may carry passwords (JAAS, key passwords): the file is readable by its owner only.
  writeFileSync(propertiesPath, options.extras ? renderServerProperties(substituted, options.extras) : substituted, { mode: 0o600 });
  const heapMb = options.heapMb ?? 1024;
  if (!existsSync(join(kraftDir, 'meta.properties'))) {
    log(`formatting KRaft storage in ${kraftDir}…`);
    const format = spawnSync('java', [...javaArgs(256, logsDir, libsDir), 'kafka.tools.StorageTool', 'format', '--standalone', '-t', newClusterId(), '-c', propertiesPath, ...scramFormatArgs(options.extras?.scramUsers)], {
      encoding: 'utf8',
    });
    if (format.error) throw new StampedeError('E_LOCAL_BROKER', `cannot run java (${format.error.message}); install Java 17+`);
    if (format.status !== 0) throw new StampedeError('E_LOCAL_BROKER', `formatting KRaft storage failed: ${format.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }

  const stdoutPath = join(logsDir, 'stdout.log');
  const out = openSync(stdoutPath, 'a');
  const child = spawn('java', [...javaArgs(heapMb, logsDir, libsDir), 'kafka.Kafka', propertiesPath], { detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  if (child.pid === undefined) throw new StampedeError('E_LOCAL_BROKER', 'java did not start');
  const pid = child.pid;
  child.unref();
  writeFileSync(join(dataDir, kPidFile), `${pid}\n`);
  log(`started Kafka (pid ${pid}) on 127.0.0.1:${port}; waiting for it to answer metadata requests…`);

  const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);
  while (Date.now() < deadline) {
    if (!isAlive(pid)) {
      throw new StampedeError('E_LOCAL_BROKER', `Kafka exited while starting; see ${stdoutPath} and ${join(logsDir, 'server.log')}: ${lastLines(stdoutPath)}`);
    }
    if (await answersMetadata(port, 2000)) return { pid, port, dataDir, alreadyRunning: false };
    await sleep(250);
  }
  await stopLocalBroker({ port, dataDir });
  throw new StampedeError('E_LOCAL_BROKER', `Kafka did not answer on 127.0.0.1:${port} within ${Math.round((options.startTimeoutMs ?? 90_000) / 1000)} s; see ${stdoutPath}`);
}

/** The template's `listeners=` line on another loopback address; advertised addresses stay. */
function bindListeners(template: string, bindHost: string | undefined): string {
  if (bindHost === undefined) return template;
  return template.replace(/^listeners=.*$/m, (line) => line.replaceAll('//127.0.0.1:', `//${bindHost}:`));
}

export function localBrokerProcess(port: number, dataDir = defaultDataDir(port)): { pid: number; dataDir: string } | undefined {
  const pid = readPid(dataDir);
  return pid !== undefined && isAlive(pid) ? { pid, dataDir } : undefined;
}

/**
 * kill -9 of a broker stampede started (fault injection: a crash, no clean shutdown). Its command
 * line and working folder are read from /proc first, so `restart` starts it exactly as it was
 * started, with the same data; it returns the new pid, written to the pid file as `up` does.
 */
export function crashLocalBroker(broker: { pid: number; dataDir: string }): { restart(): number } {
  const argv = readFileSync(`/proc/${broker.pid}/cmdline`, 'utf8').split('\0').filter((arg) => arg !== '');
  const cwd = readlinkSync(`/proc/${broker.pid}/cwd`);
  process.kill(broker.pid, 'SIGKILL');
  return {
    restart: () => {
      const out = openSync(join(broker.dataDir, 'logs', 'stdout.log'), 'a');
      const child = spawn(argv[0]!, argv.slice(1), { cwd, detached: true, stdio: ['ignore', out, out] });
      closeSync(out);
      if (child.pid === undefined) throw new StampedeError('E_LOCAL_BROKER', `the broker could not be restarted (${argv[0]} did not start)`, { exitCode: 1 });
      child.unref();
      writeFileSync(join(broker.dataDir, kPidFile), `${child.pid}\n`);
      return child.pid;
    },
  };
}

/** Stops the broker whose pid file is in dataDir: SIGTERM, then SIGKILL after 30 s. */
export async function stopLocalBroker(options: { port: number; dataDir?: string; removeData?: boolean }): Promise<'stopped' | 'not-running'> {
  const dataDir = options.dataDir ?? defaultDataDir(options.port);
  const pid = readPid(dataDir);
  let outcome: 'stopped' | 'not-running' = 'not-running';
  if (pid !== undefined && isAlive(pid)) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 30_000;
    while (isAlive(pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    outcome = 'stopped';
  }
  rmSync(join(dataDir, kPidFile), { force: true });
  if (options.removeData) rmSync(dataDir, { recursive: true, force: true });
  return outcome;
}

export async function localBrokerStatus(options: { port: number; dataDir?: string }): Promise<{ pid?: number; running: boolean; answering: boolean }> {
  const dataDir = options.dataDir ?? defaultDataDir(options.port);
  const pid = readPid(dataDir);
  const running = pid !== undefined && isAlive(pid);
  const answering = await answersMetadata(options.port, 2000);
  return { ...(pid === undefined ? {} : { pid }), running, answering };
}
