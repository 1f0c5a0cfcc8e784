import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { StampedeError } from '../errors.js';
import { withClusterAdmin } from '../clients/admin.js';
import { resolveConnection } from '../connection/config.js';
import { cacheDir, configsDir } from '../paths.js';

/** What every Kafka JVM stampede starts shares: its jars, JVM flags, pid file and liveness check. */
export const libsDir = join(cacheDir, 'kafka', 'libs');
export const kPidFile = 'broker.pid';

export function kafkaJarsPresent(): boolean {
  return existsSync(libsDir) && readdirSync(libsDir).some((name) => /^kafka_2\.13-.*\.jar$/.test(name));
}

/** Resolves the broker's jars with Maven once; later starts reuse the cache. */
export function ensureKafkaJars(log: (line: string) => void = () => {}): void {
  if (kafkaJarsPresent()) return;
  log(`resolving Apache Kafka from Maven Central into ${libsDir} (first run only)…`);
  const pom = join(configsDir, 'broker', 'pom.xml');
  const mvn = spawnSync('mvn', ['-B', '-q', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${libsDir}`, '-DincludeScope=runtime'], {
    encoding: 'utf8',
  });
  if (mvn.error) throw new StampedeError('E_LOCAL_BROKER', `cannot run mvn to resolve Kafka (${mvn.error.message}); install Maven and Java 17+`);
  if (mvn.status !== 0 || !kafkaJarsPresent()) {
    const tail = `${mvn.stdout}\n${mvn.stderr}`.trim().split('\n').slice(-5).join(' | ');
    throw new StampedeError('E_LOCAL_BROKER', `mvn could not resolve Kafka from ${pom}: ${tail}`);
  }
}

export function readPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, kPidFile), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A stale pid file may name a pid the OS has since given to another program: only a JVM running
  // kafka.Kafka counts (checked where /proc exists).
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kafka.Kafka');
  } catch {
    return !existsSync('/proc/self');
  }
}

export async function answersMetadata(port: number, timeoutMs: number, host = '127.0.0.1'): Promise<boolean> {
  try {
    const cluster = await withClusterAdmin(resolveConnection({ brokers: `${host}:${port}` }), (admin) => admin.connect(timeoutMs));
    return cluster.brokers.length > 0;
  } catch {
    return false;
  }
}

/**
 * Kafka wants a 16-byte UUID in URL-safe base64 without padding. One that starts with "-" (1 in 64)
 * is read by kafka-storage's argument parser as an option, and formatting fails ("argument
 * --cluster-id/-t: expected one argument"): a broker start, and the test suite using it, failed at
 * random. Kafka's own Uuid.randomUuid draws again in that case; so does this.
 */
export function newClusterId(random: (bytes: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export function javaArgs(heapMb: number, logsDir: string): string[] {
  return [
    `-Xms${heapMb}m`,
    `-Xmx${heapMb}m`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-Djava.awt.headless=true',
    `-Dkafka.logs.dir=${logsDir}`,
    `-Dlog4j2.configurationFile=${join(configsDir, 'broker', 'log4j2.properties')}`,
    '-cp',
    `${libsDir}/*`,
  ];
}

export function lastLines(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-3).join(' | ');
  } catch {
    return '(no output)';
  }
}

