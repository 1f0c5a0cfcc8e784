import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StampedeError } from '../errors.js';
import { projectRoot } from '../paths.js';
import { lastErrorLine, shellQuote, sshArgs, type SshOptions } from './ssh.js';

const kInstallTimeoutMs = 10 * 60_000;

/** `uname -s`/`uname -m` as Node names them, so a host compares with process.platform/process.arch. */
export function platformOf(unameS: string, unameM: string): string {
  const platform = ({ Linux: 'linux', Darwin: 'darwin', FreeBSD: 'freebsd' } as Record<string, string>)[unameS.trim()] ?? unameS.trim().toLowerCase();
  const arch = ({ x86_64: 'x64', amd64: 'x64', aarch64: 'arm64', arm64: 'arm64', armv7l: 'arm', i686: 'ia32' } as Record<string, string>)[unameM.trim()] ?? unameM.trim();
  return `${platform}-${arch}`;
}

/** null when this build's native addon runs on `remote`; else the line saying what it would need. */
export function platformRefusal(host: string, remote: string, local = `${process.platform}-${process.arch}`): string | null {
  if (remote === local) return null;
  return `${host} is ${remote}, and this build's native client (native/stampede-native.node) is ${local}: build stampede on a ${remote} machine (make build) and run hosts install from there`;
}

/** Runs one shell command on a host over ssh, optionally feeding a file to its stdin; resolves with its stdout. */
function onHost(host: string, options: SshOptions, command: string, stdinFile?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', sshArgs(host, options, command), { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), kInstallTimeoutMs);
    child.on('error', (err) => reject(new Error(`ssh could not start (${err.message})`)));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(lastErrorLine(stderr) || `exited ${code}`));
    });
    if (stdinFile === undefined) child.stdin.end();
    else createReadStream(stdinFile).pipe(child.stdin);
  });
}

/** `npm pack` of this tree as built (dist and the native addon included; no rebuild): the bytes every agent will run. */
async function packThisBuild(): Promise<{ tarball: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-pack-'));
  await new Promise<void>((resolve, reject) => {
    const child = spawn('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: projectRoot, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (err) => reject(new StampedeError('E_HOST', `npm pack could not start (${err.message})`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new StampedeError('E_HOST', `npm pack failed: ${lastErrorLine(stderr)}`))));
  });
  const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'));
  if (tarball === undefined) throw new StampedeError('E_HOST', 'npm pack wrote no tarball');
  return { tarball: join(dir, tarball), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface InstallOutcome {
  host: string;
  ok: boolean;
  detail: string;
}

/**
 * `stampede hosts install`: this build, packed once, installed on every host into --remote-dir with
 * npm (its dependencies from the host's registry), so `npx --no-install stampede` there runs the
 * same bytes as here. A host of another platform or architecture is refused before anything is copied.
 */
export async function installOnHosts(hosts: readonly string[], options: SshOptions): Promise<InstallOutcome[]> {
  const probes = await Promise.all(
    hosts.map(async (host) => {
      try {
        const [unameS = '', unameM = ''] = (await onHost(host, options, 'uname -s; uname -m')).split('\n');
        const refusal = platformRefusal(host, platformOf(unameS, unameM));
        return { host, ok: refusal === null, detail: refusal ?? platformOf(unameS, unameM) };
      } catch (err) {
        return { host, ok: false, detail: `unreachable (${(err as Error).message})` };
      }
    }),
  );
  if (probes.some((probe) => !probe.ok)) return probes;
  const { tarball, cleanup } = await packThisBuild();
  try {
    const dir = shellQuote(options.remoteDir);
    const command = `mkdir -p ${dir} && cd ${dir} && cat > .stampede-install.tgz && npm install --omit=dev --no-audit --no-fund ./.stampede-install.tgz >/dev/null && rm -f .stampede-install.tgz && ${options.remoteCommand} --version | head -1`;
    return await Promise.all(
      hosts.map(async (host) => {
        try {
          return { host, ok: true, detail: `installed in ${options.remoteDir}: ${(await onHost(host, options, command, tarball)).trim()}` };
        } catch (err) {
          return { host, ok: false, detail: `install failed (${(err as Error).message})` };
        }
      }),
    );
  } finally {
    cleanup();
  }
}
