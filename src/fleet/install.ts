import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { buildId } from '../build-id.js';
import { AgentLink } from './agent-link.js';
import { bundleThisBuild } from './bundle.js';
import { awaitHello, describeUnreachable } from './connect.js';
import type { Hello } from './protocol.js';
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
  return `host ${host} is ${remote}, and this build's native client (native/stampede-native.node) is ${local}: build stampede on a ${remote} machine (make build) and run hosts install from there`;
}

/** Runs one shell command on a host over ssh, optionally feeding a file to its stdin; resolves with its stdout. */
function onHost(host: string, options: SshOptions, command: string, stdinFile?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', sshArgs(host, options, command), { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.on('error', () => {}); // EPIPE when the host's side failed early: its exit status and stderr say why
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

/** One row of `stampede hosts install`. */
export interface InstallOutcome {
  host: string;
  /** `uname` as Node names it (linux-x64), null when the host did not answer */
  platform: string | null;
  state: 'installed' | 'refused' | 'failed' | 'not copied';
  /** what the agent there reports after the install: this build's id and the directory it runs from */
  buildId: string | null;
  root: string | null;
  /** the line for the user when the host failed or was refused (without the "stampede: " prefix) */
  error: string | null;
}

/**
 * The shell script that installs the bundle (on stdin) into `remoteDir` on a host:
 * node_modules/.stampede/<build id>/ holds the package with its dependencies, and
 * node_modules/.bin/stampede points at it, which is what `npx --no-install stampede` runs there,
 * and node_modules/stampede too.
 * One directory per build: extracting beside the current one and then switching the link never
 * leaves a half-written copy in use, and hosts sharing a directory (NFS) install the same build
 * side by side. Older builds there are removed.
 */
export function installScript(remoteDir: string, id: string): string {
  const builds = 'node_modules/.stampede';
  return [
    'set -e',
    `mkdir -p ${shellQuote(remoteDir)}`,
    `cd ${shellQuote(remoteDir)}`,
    `mkdir -p node_modules/.bin ${builds}`,
    // Named by host and shell pid, so a copy that was killed (no trap runs on SIGKILL) can be told
    // from one in progress: on this host its shell is gone; another host's (a shared NFS directory) is left alone.
    'node=$(uname -n)',
    `for stale in ${builds}/.incoming-"$node"-*; do [ -e "$stale" ] || continue; kill -0 "\${stale##*-}" 2>/dev/null || rm -rf "$stale" || true; done`,
    `incoming=${builds}/.incoming-"$node"-$$`,
    // A failed extraction (a full disk, a broken stream) leaves nothing behind.
    'trap \'rm -rf "$incoming"\' EXIT',
    "trap 'exit 1' HUP INT TERM",
    'rm -rf "$incoming" && mkdir "$incoming"',
    // As root, tar would keep the archive's owners (uids of the build machine) and modes as packed
    // (umask ignored): the files belong to whoever ssh logs in as, with that user's umask.
    'tar --no-same-owner --no-same-permissions -xzf - -C "$incoming"',
    `if [ -d ${builds}/${id} ]; then rm -rf "$incoming"; else mv "$incoming" ${builds}/${id}; fi`,
    `ln -sfn ../.stampede/${id}/bin/stampede.js node_modules/.bin/stampede`,
    // node_modules/stampede: where a package is expected, for `bun|deno run … node_modules/stampede/bin/stampede.js`
    // (Deno resolves the entry's imports from the path it was given, so it cannot go through .bin's file link).
    '[ -L node_modules/stampede ] || rm -rf node_modules/stampede',
    `ln -sfn .stampede/${id} node_modules/stampede`,
    `for old in ${builds}/*; do [ "$old" = ${builds}/${id} ] || rm -rf "$old"; done`,
  ].join('\n');
}

/** After the copy: the agent that --remote-command starts there must be the build just installed. */
async function verifyInstalled(host: string, options: SshOptions, id: string): Promise<Hello> {
  const link = new AgentLink(host, options);
  try {
    const hello = await awaitHello(link);
    if (hello.buildId !== id) {
      throw new Error(`"${options.remoteCommand}" in ${options.remoteDir} runs build ${hello.buildId ?? '(unknown)'} from ${hello.root ?? 'elsewhere'}, not the installed ${id}`);
    }
    return hello;
  } finally {
    await link.close(3_000);
  }
}

/**
 * `stampede hosts install`: this build, bundled once with its production dependencies (no registry
 * or compiler needed on the hosts), copied over ssh into --remote-dir on every host at once, then
 * checked: the agent --remote-command starts there must report this build's id. A host of another
 * platform or architecture is refused before anything is copied anywhere.
 */
export async function installOnHosts(hosts: readonly string[], options: SshOptions): Promise<InstallOutcome[]> {
  const none = { buildId: null, root: null, error: null };
  const probes = await Promise.all(
    hosts.map(async (host): Promise<InstallOutcome> => {
      try {
        const [unameS = '', unameM = ''] = (await onHost(host, options, 'uname -s; uname -m')).split('\n');
        const platform = platformOf(unameS, unameM);
        const refusal = platformRefusal(host, platform);
        return { ...none, host, platform, state: refusal === null ? 'not copied' : 'refused', error: refusal };
      } catch (err) {
        return { ...none, host, platform: null, state: 'failed', error: `host ${host}: ${describeUnreachable((err as Error).message)}` };
      }
    }),
  );
  if (probes.some((probe) => probe.error !== null)) return probes;
  const id = buildId();
  const bundle = await bundleThisBuild();
  try {
    return await Promise.all(
      probes.map(async (probe): Promise<InstallOutcome> => {
        try {
          await onHost(probe.host, options, installScript(options.remoteDir, id), bundle.tarball);
          const hello = await verifyInstalled(probe.host, options, id);
          return { ...probe, state: 'installed', buildId: hello.buildId ?? null, root: hello.root ?? null };
        } catch (err) {
          return { ...probe, state: 'failed', error: `host ${probe.host}: install failed (${(err as Error).message})` };
        }
      }),
    );
  } finally {
    bundle.cleanup();
  }
}
