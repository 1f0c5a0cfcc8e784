import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { redactText } from '../../src/connection/redact.js';
import { cacheDir, projectRoot } from '../../src/paths.js';
import { runTool } from './spawn.js';
import type { BenchMaxSettings, ToolResult } from './types.js';

const librdkafkaDir = join(projectRoot, 'node_modules', 'node-rdkafka', 'deps', 'librdkafka');
const binary = join(cacheDir, 'peers', 'rdkafka_performance');

/**
 * Builds librdkafka's own benchmark from the source node-rdkafka ships, against the static
 * librdkafka its install produced: the same library version the node-rdkafka client runs.
 */
export function buildRdkafkaPerformance(): string {
  if (existsSync(binary)) return binary;
  const source = join(librdkafkaDir, 'examples', 'rdkafka_performance.c');
  const library = join(librdkafkaDir, 'src', 'librdkafka.a');
  if (!existsSync(source) || !existsSync(library)) throw new Error(`rdkafka_performance needs ${source} and ${library} (npm ci builds them)`);
  mkdirSync(join(cacheDir, 'peers'), { recursive: true });
  // The link libraries are the ones librdkafka's configure chose (Makefile.config LIBS).
  const config = readFileSync(join(librdkafkaDir, 'Makefile.config'), 'utf8');
  const libs = [...config.matchAll(/^LIBS\+=\s*(.*)$/gm)].flatMap((match) => match[1]!.trim().split(/\s+/));
  const cc = spawnSync('cc', ['-O2', `-I${join(librdkafkaDir, 'src')}`, source, library, ...libs, '-o', binary], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`building rdkafka_performance failed: ${cc.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return binary;
}

function percentileMs(sortedUs: Float64Array, percentile: number): number | null {
  if (sortedUs.length === 0) return null;
  const index = Math.min(sortedUs.length - 1, Math.ceil((percentile / 100) * sortedUs.length) - 1);
  return Math.round(sortedUs[Math.max(index, 0)]!) / 1000;
}

/** rdkafka_performance's command line: the connection first, the producer settings after it (a later -X wins). */
export function rdkafkaPerformanceArgs(settings: BenchMaxSettings, topic: string, records: number, latencyFile: string | undefined, extraArgs: readonly string[]): string[] {
  const args = ['-P', '-t', topic, '-b', settings.bootstrap, '-s', String(settings.recordSizeBytes), '-c', String(records), ...(latencyFile === undefined ? [] : ['-l', '-A', latencyFile]), ...extraArgs, ...settings.rdkafkaConnectionArgs];
  for (const [key, value] of Object.entries(settings.librdkafka)) {
    if (key === 'bootstrap.servers' || key === 'client.id') continue;
    if (key === 'acks') args.push('-a', value === 'all' ? '-1' : value);
    else args.push('-X', `${key}=${value}`);
  }
  return args;
}

/**
 * `withLatency` adds `-l -A file`: per-message produce→ack latency written to a file, which costs
 * rdkafka_performance throughput, so bench-max runs it both ways and compares with the faster.
 * `extraArgs`, e.g. `-r 50000` (a rate limit: bench-rate's cross-check).
 */
export async function runRdkafkaPerformance(settings: BenchMaxSettings, topic: string, records: number, workDir: string, withLatency: boolean, extraArgs: string[] = []): Promise<ToolResult> {
  const latencyFile = join(workDir, 'rdkafka_performance.latency');
  const args = rdkafkaPerformanceArgs(settings, topic, records, withLatency ? latencyFile : undefined, extraArgs);
  const command = `rdkafka_performance ${args.join(' ')}`;
  const outcome = await runTool(buildRdkafkaPerformance(), args, { brokerPid: settings.brokerPid, timeoutMs: 10 * 60_000 });
  // "% N messages produced (B bytes), D delivered (offset O, F failed) in T ms: R msgs/s and …",
  // once a second and once at the end: the last one is the whole run's.
  const summary = [...outcome.stdout.matchAll(/% (\d+) messages produced \(\d+ bytes\), (\d+) delivered \(offset -?\d+, (\d+) failed\) in (\d+)ms: (\d+) msgs\/s/g)].at(-1);
  const base = { tool: `rdkafka_performance${withLatency ? ' -l' : ''} (C)`, command, wallMs: outcome.wallMs, cpu: outcome.cpu };
  if (outcome.code !== 0 || !summary) {
    // It echoes a config line it rejects, value and all: redacted like any message.
    return { ...base, recordsPerSec: 0, mbPerSec: 0, p50Ms: null, p99Ms: null, records: 0, error: `exit ${outcome.code}: ${redactText((outcome.stderr || outcome.stdout).trim().split('\n').slice(-2).join(' | '))}` };
  }
  const delivered = Number(summary[2]);
  const elapsedMs = Number(summary[4]);
  const recordsPerSec = delivered / (elapsedMs / 1000);
  let latencies = new Float64Array(0);
  if (existsSync(latencyFile)) {
    latencies = Float64Array.from(readFileSync(latencyFile, 'utf8').split('\n').filter(Boolean).map(Number)).sort();
    rmSync(latencyFile, { force: true });
  }
  return {
    ...base,
    recordsPerSec: Math.round(recordsPerSec),
    mbPerSec: Math.round((recordsPerSec * settings.recordSizeBytes) / 1e4) / 100,
    p50Ms: percentileMs(latencies, 50),
    p99Ms: percentileMs(latencies, 99),
    records: delivered,
    ...(Number(summary[3]) > 0 ? { error: `${summary[3]} delivery failures` } : {}),
  };
}
