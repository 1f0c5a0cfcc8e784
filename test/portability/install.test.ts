import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../../src/contracts/result.js';
import { projectRoot } from '../../src/paths.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { pathWithOnly } from '../helpers/tool-path.js';

// stampede as a user gets it: the two tarballs `npm pack` makes (scripts/pack.mjs), installed into
// an empty folder with a HOME of its own and a PATH of Node, npm, Bun, Deno and sh alone: no Rust,
// no C compiler, no make, no Maven. The dependencies come from the registry once, into this file's
// own npm cache; the install that is then used runs with --offline from that cache and the tarballs.
const scratch = mkdtempSync(join(tmpdir(), 'stampede-install-'));
const home = join(scratch, 'home');
const npmCache = join(scratch, 'npm-cache');
const bin = pathWithOnly(['node', 'npm', 'npx', 'sh', 'bun', 'deno'], { bun: join(projectRoot, 'node_modules', '.bin', 'bun'), deno: join(projectRoot, 'node_modules', '.bin', 'deno') });
const env = { HOME: home, PATH: bin, npm_config_cache: npmCache, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', DENO_DIR: join(scratch, 'deno'), NO_COLOR: '1' };

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program with exactly `env` (nothing of this process's environment), bounded in time. */
function run(command: string, args: string[], cwd: string, timeoutMs = 120_000): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function emptyProject(name: string, dependencies: Record<string, string> = {}): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `try-${name}`, private: true, dependencies }));
  return dir;
}

const install = suite<{ tarballs: { main: string; platform: string }; app: string; broker?: TestBroker }>('installed from the packed tarballs', { tarballs: { main: '', platform: '' }, app: '' });

install.before(async (context) => {
  mkdirSync(home, { recursive: true });
  const packed = await run(join(bin, 'node'), [join(projectRoot, 'scripts', 'pack.mjs'), '--out', join(scratch, 'tarballs')], projectRoot);
  assert.is(packed.code, 0, packed.stderr);
  context.tarballs = JSON.parse(packed.stdout.trim().split('\n').pop()!) as { main: string; platform: string };
  // Once from the registry, to fill this cache; then the install the tests use, offline.
  const primed = await run(join(bin, 'npm'), ['install', context.tarballs.main, context.tarballs.platform], emptyProject('primer'));
  assert.is(primed.code, 0, primed.stdout + primed.stderr);
  context.app = emptyProject('app');
  const offline = await run(join(bin, 'npm'), ['install', '--offline', context.tarballs.main, context.tarballs.platform], context.app);
  assert.is(offline.code, 0, offline.stdout + offline.stderr);
  context.broker = await startTestBroker();
});

install.after(async (context) => {
  await context.broker?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

install('the PATH has node but none of cargo, rustc, cc, gcc, make, mvn', async ({ app }) => {
  for (const tool of ['cargo', 'rustc', 'cc', 'gcc', 'make', 'mvn']) assert.is.not((await run(join(bin, 'sh'), ['-c', `command -v ${tool}`], app)).code, 0, `${tool} is reachable`);
  assert.is((await run(join(bin, 'sh'), ['-c', 'command -v node'], app)).code, 0);
});

install('npx stampede --version: the native client from the platform package, builtin.features listed', async ({ app }) => {
  const version = await run(join(bin, 'npx'), ['--offline', 'stampede', '--version'], app);
  assert.is(version.code, 0, version.stderr);
  assert.match(version.stdout, /^stampede \d+\.\d+\.\d+\nlibrdkafka \S+ \(native client\), builtin\.features: .*\bssl\b.*\bsasl_scram\b.*\bzstd\b/);
  const addon = await run(join(bin, 'node'), ['-e', "import('stampede/dist/src/native/load.js').then((m) => console.log(m.nativeAddonPath))"], app);
  assert.match(addon.stdout, join(app, 'node_modules', 'stampede-linux-x64-gnu'));
});

install('a null-client run', async ({ app }) => {
  const out = join(app, 'null.json');
  const outcome = await run(join(bin, 'npx'), ['--offline', 'stampede', 'run', '--client', 'null', '--devices', '10', '--records', '5000', '--out', out], app);
  assert.is(outcome.code, 0, outcome.stdout + outcome.stderr);
  assert.is((JSON.parse(readFileSync(out, 'utf8')) as RunResult).totals.acked, 5000);
});

install('a native run against a real broker', async ({ app, broker }) => {
  const out = join(app, 'native.json');
  const topic = `install-${randomUUID().slice(0, 8)}`;
  const outcome = await run(join(bin, 'npx'), ['--offline', 'stampede', 'run', '--brokers', broker!.bootstrap, '--topic', topic, '--devices', '10', '--records', '2000', '--out', out], app);
  assert.is(outcome.code, 0, outcome.stdout + outcome.stderr);
  assert.is((JSON.parse(readFileSync(out, 'utf8')) as RunResult).totals.acked, 2000);
});

install('Deno runs the same install: --version and a null-client run', async ({ app }) => {
  const deno = [join(bin, 'deno'), 'run', '-A', '--node-modules-dir=manual', join(app, 'node_modules', 'stampede', 'bin', 'stampede.js')];
  const version = await run(deno[0]!, [...deno.slice(1), '--version'], app);
  assert.is(version.code, 0, version.stderr);
  assert.match(version.stdout, /\(native client\), builtin\.features: /);
  const out = join(app, 'deno.json');
  const outcome = await run(deno[0]!, [...deno.slice(1), 'run', '--client', 'null', '--devices', '10', '--records', '5000', '--out', out], app);
  assert.is(outcome.code, 0, outcome.stdout + outcome.stderr);
  assert.is((JSON.parse(readFileSync(out, 'utf8')) as RunResult).totals.acked, 5000);
});

install('bun install of the same tarballs: --version and a null-client run under Bun', async ({ tarballs }) => {
  const dir = emptyProject('bun', { stampede: `file:${tarballs.main}`, 'stampede-linux-x64-gnu': `file:${tarballs.platform}` });
  const installed = await run(join(bin, 'bun'), ['install'], dir);
  assert.is(installed.code, 0, installed.stdout + installed.stderr);
  const cli = join(dir, 'node_modules', 'stampede', 'bin', 'stampede.js');
  const version = await run(join(bin, 'bun'), [cli, '--version'], dir);
  assert.is(version.code, 0, version.stderr);
  assert.match(version.stdout, /\(native client\), builtin\.features: /);
  const out = join(dir, 'bun.json');
  const outcome = await run(join(bin, 'bun'), [cli, 'run', '--client', 'null', '--devices', '10', '--records', '5000', '--out', out], dir);
  assert.is(outcome.code, 0, outcome.stdout + outcome.stderr);
  assert.is((JSON.parse(readFileSync(out, 'utf8')) as RunResult).totals.acked, 5000);
});

install.run();
