import { spawn } from 'node:child_process';
import { CpuMeter, type CpuSplit } from './cpu.js';

export interface SpawnOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  cpu: CpuSplit;
}

/** Runs one benchmark tool to completion, bounded in time, sampling its CPU and the broker's. */
export function runTool(command: string, args: string[], options: { brokerPid: number | undefined; timeoutMs: number; env?: NodeJS.ProcessEnv; onStart?: (pid: number) => void }): Promise<SpawnOutcome> {
  const startedAt = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env });
    if (child.pid === undefined) {
      reject(new Error(`${command} did not start`));
      return;
    }
    const meter = new CpuMeter(child.pid, options.brokerPid);
    options.onStart?.(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      meter.stop();
      reject(new Error(`${command} could not run: ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, wallMs: Date.now() - startedAt, cpu: meter.stop() });
    });
  });
}
