import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, projectRoot } from '../../src/paths.js';
import { findJava } from './java.js';

const kSourceDir = join(projectRoot, 'test', 'fixtures', 'java', 'record-reader');
const kBuildDir = join(cacheDir, 'record-reader');

/** One record as the Java reader printed it. */
export interface JavaReadRecord {
  partition: number;
  offset: number;
  key: string | null;
  schemaId: number;
  schemaType: string;
  value: Record<string, unknown>;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : [path];
  });
}

/** Builds the reader with Maven into .cache/record-reader, again only when its sources changed. */
export function ensureRecordReader(): void {
  const files = [join(kSourceDir, 'pom.xml'), ...sourceFiles(join(kSourceDir, 'src')).sort()];
  const hash = createHash('sha256');
  for (const file of files) hash.update(readFileSync(file));
  const digest = hash.digest('hex');
  const stamp = join(kBuildDir, 'sources.sha256');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return;
  const built = spawnSync('mvn', ['-B', '-q', '-f', join(kSourceDir, 'pom.xml'), 'package', `-Dreader.build.dir=${kBuildDir}`], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error(`mvn could not build the record reader (${kSourceDir}), exit ${built.status}`);
  chmodSync(join(kBuildDir, 'bin', 'protoc'), 0o755);
  writeFileSync(stamp, digest);
}

/**
 * Every record of `topic`, read and decoded by the Java reader (Kafka's consumer, the registry's
 * ccompat API, Apache Avro / the Protobuf runtime): no code of stampede's is on that path.
 */
export async function readTopicWithJava(bootstrap: string, topic: string, registryUrl: string, timeoutS = 120): Promise<JavaReadRecord[]> {
  ensureRecordReader();
  const classpath = `${join(kBuildDir, 'record-reader-1.jar')}:${join(kBuildDir, 'lib', '*')}`;
  const child = spawn(findJava(17), ['-Xmx256m', '-cp', classpath, 'dev.stampede.reader.RecordReader', bootstrap, topic, registryUrl, join(kBuildDir, 'bin', 'protoc'), String(timeoutS)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`the Java record reader exited ${code}: ${stderr.slice(-2000)}`);
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as JavaReadRecord);
}
