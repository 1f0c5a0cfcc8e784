import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { StampedeError } from '../errors.js';
import { jarFileName, jarRepositoryPath, type PinnedJar } from './kafka-jars.js';

/** Maven Central's plain repository layout: what `mvn` itself downloads from. */
export const defaultMavenRepo = 'https://repo1.maven.org/maven2';
/** Closed networks: a mirror of Central (Nexus, Artifactory, a static copy) named once for every run. */
export const mavenRepoEnv = 'STAMPEDE_MAVEN_REPO';

const kParallelFetches = 6;
const kFetchTimeoutMs = 120_000;

/** --maven-repo, else $STAMPEDE_MAVEN_REPO, else Central; a value that is no http(s) URL is refused naming where it came from. */
export function mavenRepoUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const [value, origin] = flag ? [flag, '--maven-repo'] : env[mavenRepoEnv] ? [env[mavenRepoEnv], mavenRepoEnv] : [defaultMavenRepo, 'the default'];
  let url: URL;
  try {
    url = new URL(value!);
  } catch {
    throw new StampedeError('E_OPTION', `${origin} must be an http(s) URL of a Maven repository (got ${JSON.stringify(value)})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new StampedeError('E_OPTION', `${origin} must be an http(s) URL of a Maven repository (got ${JSON.stringify(value)})`);
  return url.href.replace(/\/+$/, '');
}

async function fetchBytes(url: string, required: boolean): Promise<Buffer | undefined> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(kFetchTimeoutMs) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new StampedeError('E_LOCAL_BROKER', `cannot fetch ${url} (${cause?.code ?? cause?.message ?? (err as Error).message}); on a closed network point --maven-repo or ${mavenRepoEnv} at a mirror of Maven Central`);
  }
  if (response.status === 404 && !required) return undefined;
  if (!response.ok) throw new StampedeError('E_LOCAL_BROKER', `cannot fetch ${url}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/** A .sha1/.sha512 file holds the hex digest, sometimes followed by the file name. */
const publishedDigest = (file: Buffer): string => file.toString('utf8').trim().split(/\s+/)[0]!.toLowerCase();
const digest = (algorithm: 'sha1' | 'sha512', bytes: Buffer): string => createHash(algorithm).update(bytes).digest('hex');

/**
 * Fetches one jar and keeps it only when its SHA-1 equals both the pinned one and the published
 * .sha1, and its SHA-512 the published .sha512 where the repository has one (Central publishes
 * .sha512 for newer artifacts only).
 */
async function fetchVerifiedJar(repo: string, jar: PinnedJar, dir: string): Promise<void> {
  const url = `${repo}/${jarRepositoryPath(jar)}`;
  const [bytes, sha1File, sha512File] = await Promise.all([fetchBytes(url, true), fetchBytes(`${url}.sha1`, true), fetchBytes(`${url}.sha512`, false)]);
  const sha1 = digest('sha1', bytes!);
  const published = publishedDigest(sha1File!);
  if (sha1 !== jar.sha1 || sha1 !== published) {
    throw new StampedeError('E_LOCAL_BROKER', `checksum mismatch for ${url}: its SHA-1 is ${sha1}, the published .sha1 says ${published} and stampede pins ${jar.sha1}; refused, nothing kept`);
  }
  if (sha512File && digest('sha512', bytes!) !== publishedDigest(sha512File)) {
    throw new StampedeError('E_LOCAL_BROKER', `checksum mismatch for ${url}: its SHA-512 differs from the published .sha512; refused, nothing kept`);
  }
  writeFileSync(join(dir, jarFileName(jar)), bytes!);
}

/**
 * Fills libsDir with the pinned jars from a Maven repository. Jars land in a scratch folder beside
 * it that becomes libsDir by one rename once every jar is verified, so a failed or interrupted fetch
 * never leaves a partial classpath that a later start would take for complete.
 */
export async function fetchKafkaJars(options: { repo: string; jars: readonly PinnedJar[]; libsDir: string }): Promise<void> {
  const scratch = `${options.libsDir}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  try {
    const queue = [...options.jars];
    const worker = async (): Promise<void> => {
      try {
        for (let jar = queue.shift(); jar; jar = queue.shift()) await fetchVerifiedJar(options.repo, jar, scratch);
      } catch (err) {
        queue.length = 0; // one refusal ends the fetch: the other workers take no more jars
        throw err;
      }
    };
    await Promise.all(Array.from({ length: kParallelFetches }, worker));
    mkdirSync(dirname(options.libsDir), { recursive: true });
    // Another stampede may have finished the same fetch first: its folder is as good as this one.
    if (!existsSync(options.libsDir)) renameSync(scratch, options.libsDir);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
