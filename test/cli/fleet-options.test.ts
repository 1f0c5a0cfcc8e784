import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { rejects } from '../helpers/refusal.js';

const dir = mkdtempSync(join(tmpdir(), 'stampede-cli-fleet-'));


const cases: [string, string[], RegExp][] = [
  ['an empty host name', ['run', '--hosts', 'a,,b'], /--hosts must be a comma-separated list of names/],
  ['a host named twice', ['run', '--hosts', 'a,b,a'], /--hosts must be distinct names \(a is named twice\)/],
  ['more hosts than devices', ['run', '--hosts', 'a,b,c', '--devices', '2'], /3 hosts for 2 devices/],
  ['an instance id without a count', ['run', '--client', 'null', '--instance-id', '1'], /--instance-id needs --instances/],
  ['an instance id past the count', ['run', '--client', 'null', '--instance-id', '3', '--instances', '3'], /--instance-id 3 is not below --instances 3/],
  ['--e2e across instances', ['run', '--instance-id', '0', '--instances', '2', '--e2e'], /--e2e with --instances/],
  ['hosts and instances together', ['run', '--hosts', 'a', '--instance-id', '0', '--instances', '2'], /two ways to split a run/],
  ['a malformed clock-skew bound', ['run', '--max-clock-skew', 'tiny'], /--max-clock-skew must be a duration/],
  ['hosts check without hosts', ['hosts', 'check'], /hosts check needs --hosts/],
  ['merge of a file that is not a result', ['merge', join(dir, 'nope.json')], /nope\.json cannot be read \(ENOENT\)/],
];

for (const [name, args, mentions] of cases) test(`rejects ${name}`, () => rejects(args, mentions));

test('merge refuses a plain run result: it names the file and how to make instance results', async () => {
  const file = join(dir, 'plain.json');
  writeFileSync(file, JSON.stringify({ schemaVersion: 1, totals: {} }));
  await rejects(['merge', file], /plain\.json is not the result of one instance \(run it with --instance-id I --instances N\)/);
});

test('run --help lists the many-hosts options', async () => {
  const outcome = await runCli(['run', '--help']);
  for (const flag of ['--hosts', '--ssh-config', '--remote-command', '--remote-dir', '--max-clock-skew', '--instance-id', '--instances', '--run-id', '--verbose']) assert.ok(outcome.stdout.includes(flag), flag);
});

/**
 * An `ssh` first on PATH that only writes down that it ran: input refused as it should be never
 * reaches ssh (whose ProxyCommand or Match exec would hand a host name to a shell).
 */
function fakeSsh(): { env: NodeJS.ProcessEnv; ran: () => string | undefined } {
  const bin = join(dir, 'fake-ssh-bin');
  const log = join(dir, 'fake-ssh.log');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'ssh'), `#!/bin/sh\necho "ssh $*" >> '${log}'\nexit 255\n`, { mode: 0o755 });
  rmSync(log, { force: true });
  return { env: { PATH: `${bin}:${process.env['PATH'] ?? '/usr/bin:/bin'}` }, ran: () => (existsSync(log) ? readFileSync(log, 'utf8') : undefined) };
}

const workloadFile = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const refusedBeforeSsh: [string, string[], RegExp][] = [
  ['a host name with shell characters', ['run', '--hosts', 'loadgen-1,x;touch pwned'], /^stampede: --hosts must be ssh host names .*: "x;touch pwned" is not one/],
  ['a host name with a %-token', ['hosts', 'check', '--hosts', 'loadgen-%h'], /--hosts must be ssh host names .*: "loadgen-%h" is not one/],
  ['a host name with shell characters in a workload file', ['hosts', 'check', '--workload', workloadFile('pipe-host.yaml', "hosts: [loadgen-1, 'a|b']\n")], /pipe-host\.yaml: hosts must be ssh host names .*: "a\|b" is not one/],
  [
    'remote-command in a workload file',
    ['run', '--hosts', 'loadgen-1', '--workload', workloadFile('remote-command.yaml', "remote-command: 'touch pwned; npx --no-install stampede'\n")],
    /^stampede: workload file \S*remote-command\.yaml: remote-command is taken as a flag only \(--remote-command\): it is the command run on every host, and a workload file does not run commands\n$/,
  ],
  [
    'ssh-config in a workload file',
    ['hosts', 'install', '--hosts', 'loadgen-1', '--workload', workloadFile('ssh-config.yaml', 'ssh-config: /tmp/proxy-command.ssh_config\n')],
    /^stampede: workload file \S*ssh-config\.yaml: ssh-config is taken as a flag only \(--ssh-config\): an ssh_config runs commands \(ProxyCommand, LocalCommand, Match exec\), and a workload file does not run commands\n$/,
  ],
];

for (const [name, args, mentions] of refusedBeforeSsh) {
  test(`rejects ${name} before any ssh starts`, async () => {
    const ssh = fakeSsh();
    const outcome = await runCli(args, { timeoutMs: 30_000, env: ssh.env });
    assert.is(ssh.ran(), undefined, 'ssh was not started');
    assert.is(outcome.code, 2, `exit code for ${args.join(' ')}\n${outcome.stderr}`);
    assert.match(outcome.stderr, /^stampede: [^\n]*\n$/);
    assert.match(outcome.stderr, mentions);
  });
}

test('host names as ssh_config gives them are accepted: aliases, DNS names, user@, IPv4 and IPv6 addresses', async () => {
  const ssh = fakeSsh();
  const outcome = await runCli(['hosts', 'check', '--hosts', 'loadgen-1,load_gen.example.com,ops@loadgen-2,10.0.1.11,fe80::1'], { timeoutMs: 60_000, env: ssh.env });
  // Past the options: every host is tried (and fails: this ssh only writes down its arguments).
  for (const host of ['loadgen-1', 'load_gen.example.com', 'ops@loadgen-2', '10.0.1.11', 'fe80::1']) assert.match(ssh.ran() ?? '', new RegExp(` ${host.replace(/\./g, '\\.')} -- `), host);
  assert.is(outcome.code, 2, outcome.stderr);
});

test.run();
