import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/paths.js';
import type { RunResult } from '../../src/contracts/result.js';
import { runTool } from './spawn.js';
import type { BenchMaxSettings, ToolResult } from './types.js';

export interface StampedeRun {
  client: string;
  workers: number;
  topic: string;
  durationSec: number;
  /** overrides on top of the throughput profile */
  producerProps: Record<string, string>;
  extraArgs?: string[];
  /** a run of exactly this many records, no warmup (the whole process compared with a peer's), instead of `durationSec` */
  records?: number;
  /** another stampede checkout to run instead of this one (an old build, to compare in one invocation) */
  root?: string;
}

const outDir = mkdtempSync(join(tmpdir(), 'stampede-bench-max-'));
let runNumber = 0;

/** A child run's arguments after bin/stampede.js: `run …`, ending with `--out FILE`. */
export function stampedeRunArgs(settings: BenchMaxSettings, run: StampedeRun, out: string): string[] {
  return [
    'run',
    '--brokers',
    settings.bootstrap,
    ...settings.connectionArgs,
    '--topic',
    run.topic,
    '--partitions',
    String(settings.partitions),
    '--client',
    run.client,
    '--workers',
    String(run.workers),
    '--format',
    'fixed',
    '--record-size',
    String(settings.recordSizeBytes),
    '--devices',
    '100000',
    ...(run.records === undefined ? ['--warmup', '2s', '--duration', `${run.durationSec}s`] : ['--warmup', '0s', '--records', String(run.records)]),
    '--profile',
    'throughput',
    ...Object.entries(run.producerProps).flatMap(([key, value]) => ['--producer-props', `${key}=${value}`]),
    ...(run.extraArgs ?? []),
    '--out',
    out,
  ];
}

/** Runs the stampede CLI as a user would and reads its JSON result. */
export async function runStampede(settings: BenchMaxSettings, run: StampedeRun): Promise<ToolResult & { result?: RunResult }> {
  const out = join(outDir, `run-${++runNumber}.json`);
  const cliArgs = stampedeRunArgs(settings, run, out);
  const args = [join(run.root ?? projectRoot, 'bin', 'stampede.js'), ...cliArgs];
  const command = `stampede ${cliArgs.slice(1, -2).join(' ')}`;
  const tool = `stampede ${run.client}${run.client === 'node-rdkafka' ? '' : ` ×${run.workers}`}`;
  const outcome = await runTool(process.execPath, args, { brokerPid: settings.brokerPid, timeoutMs: (run.durationSec + 120) * 1000 });
  let result: RunResult | undefined;
  try {
    result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  } catch {
    result = undefined;
  }
  const base = { tool, command, wallMs: outcome.wallMs, cpu: outcome.cpu };
  if (outcome.code !== 0 || !result) {
    return { ...base, recordsPerSec: 0, mbPerSec: 0, p50Ms: null, p99Ms: null, records: 0, error: `exit ${outcome.code}: ${(outcome.stderr || outcome.stdout).trim().split('\n').slice(-2).join(' | ')}` };
  }
  const { totals, latency } = result;
  return {
    ...base,
    recordsPerSec: Math.round(totals.recordsPerSec),
    mbPerSec: Math.round((totals.recordsPerSec * settings.recordSizeBytes) / 1e4) / 100,
    p50Ms: latency.produceAck.p50 / 1000,
    p99Ms: latency.produceAck.p99 / 1000,
    records: totals.measuredAcked,
    ackedTotal: totals.acked,
    result,
  };
}
