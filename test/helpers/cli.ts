import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../src/paths.js';

export interface CliOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/**
 * The environment a user's shell would give: the test runner's colour switches are dropped, since
 * NO_COLOR beside uvu's FORCE_COLOR makes Node print a warning on every child's stderr.
 */
export function userEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['FORCE_COLOR'];
  delete env['NO_COLOR'];
  return env;
}

export interface RunOptions {
  timeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Ctrl-C (SIGINT) `afterMs` after stdout first matches `stdout`: a run ended by what it printed rather than by its --duration. */
  interruptWhen?: { stdout: RegExp; afterMs: number };
}

/** Runs the built CLI as a user would, bounded in time. */
export function runCli(args: string[], options: RunOptions = {}): Promise<CliOutcome> {
  return runScript(join(projectRoot, 'bin', 'stampede.js'), args, options);
}

/** Runs a built Node script (a CLI entry) with arguments, bounded in time. */
export function runScript(script: string, args: string[], options: RunOptions = {}): Promise<CliOutcome> {
  return runProgram(process.execPath, [script, ...args], options);
}

/** Runs any program (Node, Bun, Deno, …) with the user's environment, bounded in time. */
export function runProgram(command: string, args: string[], options: RunOptions = {}): Promise<CliOutcome> {
  const startedAt = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? projectRoot, env: { ...userEnv(), ...options.env } });
    child.on('error', (err) => reject(new Error(`${command} could not start (${err.message})`)));
    let stdout = '';
    let stderr = '';
    let interrupt: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const when = options.interruptWhen;
      if (when && interrupt === undefined && when.stdout.test(stdout)) interrupt = setTimeout(() => child.kill('SIGINT'), when.afterMs);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${options.timeoutMs ?? 120_000} ms\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      clearTimeout(interrupt);
      resolve({ code, stdout, stderr, elapsedMs: Date.now() - startedAt });
    });
  });
}
