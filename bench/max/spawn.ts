import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readChildCpuSeconds, wrapForChildCpu } from './child-cpu.js';
import { CpuMeter, type CpuSplit } from './cpu.js';

export interface SpawnOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  cpu: CpuSplit;
}

const statDir = mkdtempSync(join(tmpdir(), 'bench-max-cpu-'));
let spawned = 0;

/** The tool's own pid: the shell's child, once it has forked it (the shell's pid if it never shows). */
async function toolPidUnder(shellPid: number): Promise<number> {
  for (let attempt = 0; attempt < 400; attempt++) {
    try {
      const children = readFileSync(`/proc/${shellPid}/task/${shellPid}/children`, 'utf8').trim();
      if (children) return Number(children.split(' ')[0]);
    } catch {
      break;
    }
    await sleep(5);
  }
  return shellPid;
}

/**
 * Runs one benchmark tool to completion, bounded in time: its own CPU exactly (whole process tree,
 * child-cpu.ts), the broker's and the machine's over the same time.
 */
export function runTool(command: string, args: string[], options: { brokerPid: number | undefined; timeoutMs: number; env?: NodeJS.ProcessEnv; onStart?: (pid: number) => void }): Promise<SpawnOutcome> {
  const startedAt = Date.now();
  const statFile = join(statDir, `tool-${++spawned}.stat`);
  const wrapped = wrapForChildCpu(command, args);
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout ends the tool and not only the shell around it.
    const child = spawn(wrapped.command, wrapped.args, { env: { ...(options.env ?? process.env), STAMPEDE_CHILD_STAT: statFile }, detached: true });
    if (child.pid === undefined) {
      reject(new Error(`${command} did not start`));
      return;
    }
    const pid = child.pid;
    const meter = new CpuMeter(pid, options.brokerPid);
    if (options.onStart) void toolPidUnder(pid).then(options.onStart);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, options.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      meter.stop();
      reject(new Error(`${command} could not run: ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, wallMs: Date.now() - startedAt, cpu: meter.stop(readChildCpuSeconds(statFile)) });
    });
  });
}
