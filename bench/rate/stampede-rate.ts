import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/paths.js';
import type { RunResult } from '../../src/contracts/result.js';
import { runTool } from '../max/spawn.js';
import type { CpuSplit } from '../max/cpu.js';
import { ThreadCpuMeter } from './thread-cpu.js';

const outDir = mkdtempSync(join(tmpdir(), 'stampede-bench-rate-'));
let runNumber = 0;

export interface RateRun {
  command: string;
  result?: RunResult;
  cpu: CpuSplit;
  /** cores per thread name of the stampede process (the pacer thread is "stampede-pacer") */
  threads: Map<string, number>;
  error?: string;
}

/** Runs `stampede run` with these arguments as a user would; reads its JSON result. */
export async function runStampedeAt(bootstrap: string, brokerPid: number | undefined, args: string[], timeoutSec: number): Promise<RateRun> {
  const out = join(outDir, `run-${++runNumber}.json`);
  const all = [join(projectRoot, 'bin', 'stampede.js'), 'run', '--brokers', bootstrap, ...args, '--out', out];
  const command = `stampede run ${args.join(' ')}`;
  let meter: ThreadCpuMeter | undefined;
  const outcome = await runTool(process.execPath, all, { brokerPid, timeoutMs: timeoutSec * 1000, onStart: (pid) => (meter = new ThreadCpuMeter(pid)) });
  const threads = meter?.stop() ?? new Map<string, number>();
  let result: RunResult | undefined;
  try {
    result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  } catch {
    result = undefined;
  }
  // Exit 3 (not valid at the rate) still measured everything: keep the result.
  const failed = !result || (outcome.code !== 0 && outcome.code !== 3);
  return { command, cpu: outcome.cpu, threads, ...(result ? { result } : {}), ...(failed ? { error: `exit ${outcome.code}: ${(outcome.stderr || outcome.stdout).trim().split('\n').slice(-2).join(' | ')}` } : {}) };
}
