import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as assert from 'uvu/assert';
import { freePort } from '../../src/broker/free-port.js';

/**
 * Real OpenSSH servers (Debian's openssh-server) for the fleet tests: one sshd per host on its own
 * loopback address (127.0.0.2, 127.0.0.3, …), a host key and a client key made now with
 * ssh-keygen, and an ssh_config naming them loadgen-1, loadgen-2, … as a user would. Nothing here
 * touches the system's ssh setup.
 */
export interface TestHosts {
  names: string[];
  /** the ssh_config file to pass as --ssh-config */
  sshConfig: string;
  /** a key no sshd accepts, for the wrong-key test */
  wrongKey: string;
  dir: string;
  /** an ssh_config where `name` uses the wrong key */
  configWithWrongKey(name: string): string;
  /** an ssh_config entry for a host nobody listens on */
  configWithDownHost(name: string): string;
  stop(): Promise<void>;
}

const kSshd = '/usr/sbin/sshd';

export const sshdAvailable = (): boolean => existsSync(kSshd) && spawnSync('ssh', ['-V']).status === 0;

const keygen = (file: string): void => {
  const made = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
  if (made.status !== 0) throw new Error(`ssh-keygen failed: ${made.stderr.toString()}`);
};

async function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, host, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await sleep(50);
  }
  throw new Error(`sshd on ${host}:${port} did not listen within ${timeoutMs} ms`);
}

const entry = (name: string, address: string, port: number, key: string): string =>
  [`Host ${name}`, `  HostName ${address}`, `  Port ${port}`, '  User root', `  IdentityFile ${key}`, '  IdentitiesOnly yes', '  StrictHostKeyChecking no', '  UserKnownHostsFile /dev/null', '  BatchMode yes', '  LogLevel ERROR', ''].join('\n');

/** Where the real `uname` is, so a host's stand-in can hand every other question to it. */
function realUname(): string {
  for (const dir of (process.env['PATH'] ?? '/usr/bin:/bin').split(':')) if (existsSync(join(dir, 'uname'))) return join(dir, 'uname');
  throw new Error('no uname on PATH');
}

/**
 * A directory whose `uname` answers `uname -m` with `machine` (the rest goes to the real one): on
 * a host whose PATH starts there, everything that asks the machine type sees another architecture,
 * as a user's arm64 load host would answer.
 */
function foreignUnameDir(dir: string, index: number, machine: string): string {
  const bin = join(dir, `uname-${index}`);
  mkdirSync(bin);
  writeFileSync(join(bin, 'uname'), `#!/bin/sh\ncase "$1" in -m) echo ${machine} ;; *) exec ${realUname()} "$@" ;; esac\n`, { mode: 0o755 });
  return bin;
}

export interface TestHostOptions {
  /** hosts (by name) whose `uname -m` says this instead of the real machine, e.g. { 'loadgen-4': 'aarch64' } */
  unameMachine?: Record<string, string>;
}

export async function startTestHosts(count: number, options: TestHostOptions = {}): Promise<TestHosts> {
  mkdirSync('/run/sshd', { recursive: true }); // sshd's privilege-separation directory
  const dir = mkdtempSync(join(tmpdir(), 'stampede-sshd-'));
  chmodSync(dir, 0o700);
  const clientKey = join(dir, 'client_key');
  const wrongKey = join(dir, 'wrong_key');
  keygen(clientKey);
  keygen(wrongKey);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${clientKey}.pub`));
  const children: ChildProcess[] = [];
  const hosts: { name: string; address: string; port: number }[] = [];
  for (let i = 0; i < count; i++) {
    const address = `127.0.0.${i + 2}`;
    const port = await freePort(address);
    const hostKey = join(dir, `host_key_${i}`);
    keygen(hostKey);
    const config = join(dir, `sshd_config_${i}`);
    const machine = options.unameMachine?.[`loadgen-${i + 1}`];
    const path = `${machine === undefined ? '' : `${foreignUnameDir(dir, i, machine)}:`}${process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin'}`;
    writeFileSync(
      config,
      [
        `ListenAddress ${address}:${port}`,
        `HostKey ${hostKey}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        `PidFile ${join(dir, `sshd_${i}.pid`)}`,
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'StrictModes no',
        'LogLevel ERROR',
        // The agent runs with the test's PATH (node, npx) as a login shell would give it.
        `SetEnv PATH=${path}`,
        '',
      ].join('\n'),
    );
    const child = spawn(kSshd, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', () => {}); // drained; sshd -e logs its errors there
    children.push(child);
    hosts.push({ name: `loadgen-${i + 1}`, address, port });
  }
  await Promise.all(hosts.map((host) => waitForPort(host.address, host.port, 10_000)));
  const sshConfig = join(dir, 'ssh_config');
  writeFileSync(sshConfig, hosts.map((host) => entry(host.name, host.address, host.port, clientKey)).join('\n'));
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    for (const child of children) if (child.pid !== undefined && child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)));
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', () => {
    if (!stopped) for (const child of children) child.kill('SIGKILL');
  });
  return {
    names: hosts.map((host) => host.name),
    sshConfig,
    wrongKey,
    dir,
    configWithWrongKey: (name) => {
      const file = join(dir, `ssh_config_wrong_${name}`);
      writeFileSync(file, hosts.map((host) => entry(host.name, host.address, host.port, host.name === name ? wrongKey : clientKey)).join('\n'));
      return file;
    },
    configWithDownHost: (name) => {
      const file = join(dir, `ssh_config_down_${name}`);
      // 127.0.0.99:1 — nothing listens there: the connection is refused at once.
      writeFileSync(file, `${hosts.map((host) => entry(host.name, host.address, host.port, clientKey)).join('\n')}\n${entry(name, '127.0.0.99', 1, clientKey)}`);
      return file;
    },
    stop,
  };
}

/**
 * stampede processes of a fleet run still alive on this machine (every "host" here is this
 * machine), from /proc: agents (and npx's wrappers around them) on the hosts' side, and the
 * coordinator's ssh clients that started them.
 */
export function agentProcesses(): { pid: number; sshConnection: string; argv: string }[] {
  const found: { pid: number; sshConnection: string; argv: string }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter((arg) => arg !== '');
      const agent = argv.some((arg) => /stampede/.test(arg)) && argv.includes('agent');
      const sshClient = /(^|\/)ssh$/.test(argv[0] ?? '') && /stampede\S* agent$/.test(argv[argv.length - 1] ?? '');
      if (!agent && !sshClient) continue;
      const env = readFileSync(`/proc/${name}/environ`, 'utf8').split('\0');
      const sshConnection = env.find((line) => line.startsWith('SSH_CONNECTION='))?.slice('SSH_CONNECTION='.length) ?? '';
      found.push({ pid: Number(name), sshConnection, argv: argv.join(' ') });
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** No `stampede agent` may outlive its run, on any host (they are all this machine). */
export async function assertNoAgents(): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (agentProcesses().length > 0 && Date.now() < deadline) await sleep(100);
  assert.equal(agentProcesses(), [], 'no stampede agent process left');
}
