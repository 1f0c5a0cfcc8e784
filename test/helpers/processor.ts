import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProcessor, processorMainClass } from './processor-build.js';
import { createTestTopic } from './topics.js';

export { buildProcessor, type ProcessorBuild } from './processor-build.js';

/**
 * map: each JSON record re-encoded with two fields added (temperature_f, enriched_by); headers,
 * key and timestamp kept. filter: the same, only for records with temperature > threshold.
 * window: per device per tumbling window, {sensor_id, window_start_ms, window_end_ms, count,
 * max_temperature}, once when the window closes, timestamped with its newest input's timestamp.
 * drop-headers: map, with every header removed.
 */
export type ProcessorMode = 'map' | 'filter' | 'window' | 'drop-headers';
export type ProcessingGuarantee = 'at_least_once' | 'exactly_once_v2';

export interface ProcessorOptions {
  bootstrap: string;
  /** Kafka Streams application.id: also its consumer group (for --processor-group) */
  appId: string;
  input: string;
  /** created (PLAINTEXT) when missing, as a user creates a Streams app's output topic before starting it */
  output: string;
  /** partitions of the output topic when it is created; default 3 */
  outputPartitions?: number;
  mode: ProcessorMode;
  /** default at_least_once */
  guarantee?: ProcessingGuarantee;
  /** filter: temperature above which records pass (default 25) */
  threshold?: number;
  /** window: size and grace in ms (defaults 1000 and 1000) */
  windowMs?: number;
  graceMs?: number;
  /** any Kafka Streams or client property, e.g. { 'commit.interval.ms': '100' } */
  config?: Record<string, string>;
  /** how long to wait for "ready" (Kafka Streams RUNNING); default 120 s */
  readyTimeoutMs?: number;
  /** JVM heap; default 256 MiB */
  heapMb?: number;
}

export interface RunningProcessor {
  /** the current JVM's pid (a restart() changes it) */
  readonly pid: number;
  readonly appId: string;
  /** SIGTERM (after SIGCONT, should it be paused), waits for the exit, removes the state dir */
  stop(): Promise<void>;
  /** SIGSTOP: the processor stops consuming, its lag grows */
  pause(): void;
  /** SIGCONT */
  resume(): void;
  /** SIGKILL, and waits until the process is gone: a crash, uncommitted work and all */
  kill9(): Promise<void>;
  /** stops it if it runs (SIGTERM), starts it again on the same state dir and waits for ready */
  restart(): Promise<void>;
  /** the last lines it wrote on stdout and stderr */
  logTail(lines?: number): string;
}

const kLogLines = 200;
const kStopTimeoutMs = 30_000;

/** Starts the Kafka Streams test processor (built first if needed) and resolves once it is RUNNING. */
export async function startProcessor(options: ProcessorOptions): Promise<RunningProcessor> {
  const { classpath } = await buildProcessor();
  await createTestTopic(options.bootstrap, options.output, options.outputPartitions ?? 3);
  const stateDir = mkdtempSync(join(tmpdir(), 'stampede-processor-'));
  const log: string[] = [];
  let child = await launch(classpath, options, stateDir, log);
  let stopped = false;
  // If the test process dies, its processors must not outlive it.
  const onExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', onExit);
  const stop = async (): Promise<void> => {
    await terminate(child);
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', onExit);
    rmSync(stateDir, { recursive: true, force: true });
  };
  return {
    get pid() {
      return child.pid!;
    },
    appId: options.appId,
    stop,
    pause: () => signal(child, 'SIGSTOP'),
    resume: () => signal(child, 'SIGCONT'),
    kill9: async () => {
      signal(child, 'SIGKILL');
      await exited(child);
    },
    restart: async () => {
      await terminate(child);
      child = await launch(classpath, options, stateDir, log);
    },
    logTail: (lines = 30) => log.slice(-lines).join('\n'),
  };
}

function javaArgs(classpath: string, options: ProcessorOptions, stateDir: string): string[] {
  const named: Record<string, string | number | undefined> = {
    bootstrap: options.bootstrap,
    'application-id': options.appId,
    input: options.input,
    output: options.output,
    mode: options.mode,
    guarantee: options.guarantee ?? 'at_least_once',
    'state-dir': stateDir,
    threshold: options.threshold,
    'window-ms': options.windowMs,
    'grace-ms': options.graceMs,
  };
  const args = Object.entries(named).flatMap(([name, value]) => (value === undefined ? [] : [`--${name}`, String(value)]));
  for (const [key, value] of Object.entries(options.config ?? {})) args.push('--config', `${key}=${value}`);
  // Kafka Streams logs every config at INFO: warnings and our own "state X" lines are what helps.
  const jvm = [`-Xmx${options.heapMb ?? 256}m`, '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-cp', classpath];
  return [...jvm, processorMainClass, ...args];
}

/** Spawns the JVM and resolves when it prints "ready"; rejects with its last log lines otherwise. */
function launch(classpath: string, options: ProcessorOptions, stateDir: string, log: string[]): Promise<ChildProcess> {
  const timeoutMs = options.readyTimeoutMs ?? 120_000;
  const child = spawn('java', javaArgs(classpath, options, stateDir), { stdio: ['ignore', 'pipe', 'pipe'] });
  const name = `processor ${options.appId} (${options.mode}, ${options.input} → ${options.output})`;
  return new Promise((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      reject(new Error(`${name} ${why}; its last log lines:\n${log.slice(-20).join('\n')}`));
    };
    const timer = setTimeout(() => fail(`was not ready within ${timeoutMs} ms`), timeoutMs);
    const onEarlyExit = (code: number | null, sig: NodeJS.Signals | null): void => fail(`exited (${sig ?? `code ${code}`}) before it was ready`);
    collectLines(child, log, (line) => {
      if (line.trim() !== 'ready') return;
      clearTimeout(timer);
      child.removeListener('exit', onEarlyExit);
      resolve(child);
    });
    child.on('error', (err) => fail(`could not start java (${err.message}); Java 17+ must be on PATH`));
    child.on('exit', onEarlyExit);
  });
}

function collectLines(child: ChildProcess, log: string[], onStdoutLine: (line: string) => void): void {
  const keep = (line: string): void => {
    log.push(line);
    if (log.length > kLogLines) log.splice(0, log.length - kLogLines);
  };
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      keep(line);
      onStdoutLine(line);
    }
  });
  let partialErr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    const lines = (partialErr + chunk.toString()).split('\n');
    partialErr = lines.pop()!;
    lines.forEach(keep);
  });
}

function signal(child: ChildProcess, name: NodeJS.Signals): void {
  if (child.exitCode === null && child.signalCode === null) child.kill(name);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** SIGCONT (a stopped JVM ignores SIGTERM until continued), SIGTERM, then SIGKILL after 30 s. */
async function terminate(child: ChildProcess): Promise<void> {
  signal(child, 'SIGCONT');
  signal(child, 'SIGTERM');
  const timer = setTimeout(() => signal(child, 'SIGKILL'), kStopTimeoutMs);
  await exited(child);
  clearTimeout(timer);
}
