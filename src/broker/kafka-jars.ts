import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { StampedeError } from '../errors.js';
import { configsDir } from '../paths.js';

/** One jar of the local broker's pinned runtime closure (configs/broker/kafka-jars.txt). */
export interface PinnedJar {
  groupId: string;
  artifactId: string;
  version: string;
  /** lower-case hex, as Maven Central publishes it */
  sha1: string;
}

export const pinnedJarsFile = join(configsDir, 'broker', 'kafka-jars.txt');

/** Parses the pinned list; a line it cannot read names the file and the line. */
export function parsePinnedJars(text: string, file = pinnedJarsFile): PinnedJar[] {
  const jars: PinnedJar[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^([\w.-]+):([\w.-]+):([\w.+-]+)\s+([0-9a-f]{40})$/.exec(line);
    if (!match) throw new StampedeError('E_LOCAL_BROKER', `${file}:${index + 1}: expected "groupId:artifactId:version sha1" (got ${JSON.stringify(line)})`);
    jars.push({ groupId: match[1]!, artifactId: match[2]!, version: match[3]!, sha1: match[4]! });
  });
  return jars;
}

export const readPinnedJars = (): PinnedJar[] => parsePinnedJars(readFileSync(pinnedJarsFile, 'utf8'), pinnedJarsFile);

/** The Kafka release the list pins: the version of its kafka_2.13 jar. */
export function kafkaVersionOf(jars: readonly PinnedJar[]): string {
  const kafka = jars.find((jar) => jar.groupId === 'org.apache.kafka' && jar.artifactId === 'kafka_2.13');
  if (!kafka) throw new StampedeError('E_LOCAL_BROKER', `${pinnedJarsFile} names no org.apache.kafka:kafka_2.13 jar`);
  return kafka.version;
}

export const jarFileName = (jar: PinnedJar): string => `${jar.artifactId}-${jar.version}.jar`;

/** The jar's path in Maven's repository layout (the same under Central and any mirror of it). */
export const jarRepositoryPath = (jar: PinnedJar): string => `${jar.groupId.replaceAll('.', '/')}/${jar.artifactId}/${jar.version}/${jarFileName(jar)}`;

/** stampede's per-user cache: $XDG_CACHE_HOME/stampede, else ~/.cache/stampede (the XDG default). */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  // The XDG spec ignores a relative path here.
  return xdg && xdg.startsWith('/') ? join(xdg, 'stampede') : join(env.HOME || homedir(), '.cache', 'stampede');
}

/** Where one Kafka release's jars live: one folder per version, so releases never mix on a classpath. */
export const kafkaLibsDir = (version = kafkaVersionOf(readPinnedJars()), env: NodeJS.ProcessEnv = process.env): string =>
  join(userCacheDir(env), 'kafka', version, 'libs');
