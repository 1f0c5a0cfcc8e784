import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { delimiter, join, relative } from 'node:path';
import { cacheDir, projectRoot } from '../../src/paths.js';

/** The Kafka Streams application the pipeline tests run as the user's processor. */
export const processorSourceDir = join(projectRoot, 'test', 'fixtures', 'processors', 'kafka-streams');
export const processorMainClass = 'dev.stampede.processors.Main';

export interface ProcessorBuild {
  /** `java -cp` value: the application's jar, then the Kafka Streams jars Maven resolved */
  classpath: string;
  /** folder under .cache/processors/ named by the hash of the sources */
  dir: string;
  /** how long Maven took; 0 when the cached build was reused */
  buildMs: number;
}

const kJarName = 'stampede-test-processor.jar';
const kBuildTimeoutMs = 10 * 60_000;
let pending: Promise<ProcessorBuild> | undefined;

/**
 * Builds the processor once per source version: the jar goes to .cache/processors/kafka-streams/
 * <hash of pom.xml and src/>, so an edit to the sources builds anew and an unchanged tree reuses
 * it. Maven writes into a temporary folder renamed into place at the end, so an interrupted build
 * or two suites building at once never leave a half-written folder that looks finished.
 */
export function buildProcessor(): Promise<ProcessorBuild> {
  pending ??= buildOnce().catch((err: unknown) => {
    pending = undefined;
    throw err;
  });
  return pending;
}

async function buildOnce(): Promise<ProcessorBuild> {
  const root = join(cacheDir, 'processors', 'kafka-streams');
  const dir = join(root, sourceHash());
  const cached = readBuild(dir);
  if (cached !== undefined) return { classpath: cached, dir, buildMs: 0 };
  mkdirSync(root, { recursive: true });
  const staging = join(root, `.building-${process.pid}-${Date.now()}`);
  const startedAt = Date.now();
  try {
    await runMaven(staging);
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const built = readBuild(dir);
  if (built === undefined) throw new Error(`mvn finished but ${dir} lacks ${kJarName} or classpath.txt`);
  return { classpath: built, dir, buildMs: Date.now() - startedAt };
}

/** The classpath of a finished build, or undefined when it is missing or a listed jar is gone. */
function readBuild(dir: string): string | undefined {
  const jar = join(dir, kJarName);
  const listFile = join(dir, 'classpath.txt');
  if (!existsSync(jar) || !existsSync(listFile)) return undefined;
  const dependencies = readFileSync(listFile, 'utf8').trim().split(delimiter).filter(Boolean);
  // Maven's local repository may have been cleaned since: then build (and resolve) again.
  if (dependencies.length === 0 || !dependencies.every((path) => existsSync(path))) return undefined;
  return [jar, ...dependencies].join(delimiter);
}

/** sha256 over every file of pom.xml and src/, with its path, in a stable order. */
function sourceHash(): string {
  const hash = createHash('sha256');
  const files = [join(processorSourceDir, 'pom.xml'), ...listFiles(join(processorSourceDir, 'src'))].sort();
  for (const file of files) {
    hash.update(relative(processorSourceDir, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

function runMaven(buildDir: string): Promise<void> {
  const args = ['-B', '-q', '-f', join(processorSourceDir, 'pom.xml'), 'package', '-Dmaven.test.skip=true', `-DbuildDir=${buildDir}`];
  return new Promise((resolve, reject) => {
    const child = spawn('mvn', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), kBuildTimeoutMs);
    child.on('error', (err) => reject(new Error(`cannot run mvn to build the test processor (${err.message}); install Maven and Java 17+`)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      const tail = output.trim().split('\n').slice(-15).join('\n');
      const how = signal === 'SIGKILL' ? `did not finish within ${kBuildTimeoutMs / 60_000} min` : `exited ${code}`;
      reject(new Error(`mvn ${how} building ${processorSourceDir}:\n${tail}`));
    });
  });
}
