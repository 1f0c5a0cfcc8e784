import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configsDir } from '../paths.js';
import { fetchKafkaJars, mavenRepoUrl } from './kafka-fetch.js';
import { jarFileName, kafkaLibsDir, kafkaVersionOf, readPinnedJars } from './kafka-jars.js';
import { resolveKafkaWithMaven } from './kafka-maven.js';

/**
 * What every Kafka JVM stampede starts shares, the one-node broker (local.ts) and the nodes of a
 * local cluster (cluster-node.ts) alike: its jars, JVM flags, pid file and liveness check.
 */
export const kPidFile = 'broker.pid';

/** Where the broker's jars come from: Maven Central (or a mirror of it) fetched by stampede, or Maven. */
export interface KafkaSource {
  /** --maven-repo: a mirror of Central; default $STAMPEDE_MAVEN_REPO, else Central */
  mavenRepo?: string;
  /** --kafka-from maven: let mvn resolve configs/broker/pom.xml instead */
  useMaven?: boolean;
}

/**
 * The pinned jars of the local broker in the user's cache (one folder per Kafka version), fetched
 * and verified on first use; returns the folder, for a `-cp <folder>/*`.
 */
export async function ensureKafkaJars(options: { log?: (line: string) => void; source?: KafkaSource } = {}): Promise<string> {
  const jars = readPinnedJars();
  const libsDir = kafkaLibsDir(kafkaVersionOf(jars));
  if (jars.every((jar) => existsSync(join(libsDir, jarFileName(jar))))) return libsDir;
  if (options.source?.useMaven) {
    options.log?.(`resolving Apache Kafka with Maven into ${libsDir} (first run only)…`);
    resolveKafkaWithMaven(libsDir, `kafka_2.13-${kafkaVersionOf(jars)}.jar`);
    return libsDir;
  }
  const repo = mavenRepoUrl(options.source?.mavenRepo);
  options.log?.(`fetching Apache Kafka ${kafkaVersionOf(jars)} (${jars.length} jars) from ${repo} into ${libsDir} (first run only)…`);
  await fetchKafkaJars({ repo, jars, libsDir });
  return libsDir;
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

/** The broker JVM's flags; the jars are the pinned Kafka version's in the user's cache unless named. */
export function javaArgs(heapMb: number, logsDir: string, libsDir = kafkaLibsDir()): string[] {
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
