import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { platformOf, platformRefusal } from '../../../src/fleet/install.js';
import { lastErrorLine, remoteInvocation, shellQuote, sshArgs } from '../../../src/fleet/ssh.js';

test('ssh runs in batch mode with the user\'s config file, and the agent is exec\'d in the remote dir', () => {
  const args = sshArgs('loadgen-1', { configFile: '/tmp/ssh_config' }, remoteInvocation({ remoteCommand: 'npx --no-install stampede', remoteDir: '/srv/load test' }, ['agent']));
  assert.equal(args.slice(0, 2), ['-F', '/tmp/ssh_config']);
  assert.ok(args.includes('BatchMode=yes'));
  assert.is(args[args.length - 3], 'loadgen-1');
  assert.is(args[args.length - 1], "cd '/srv/load test' && exec npx --no-install stampede agent");
  assert.not.ok(sshArgs('h', { configFile: undefined }, 'x').includes('-F'), 'no -F: ssh reads the user\'s own config');
});

test('shell quoting survives quotes', () => {
  assert.is(shellQuote("it's"), `'it'\\''s'`);
  assert.is(shellQuote('/plain/path'), '/plain/path');
});

test('the last meaningful stderr line names the failure', () => {
  assert.is(lastErrorLine('Warning: Permanently added x\nroot@127.0.0.2: Permission denied (publickey).\n'), 'root@127.0.0.2: Permission denied (publickey).');
});

test('install refuses a host of another platform or architecture, saying what it would need', () => {
  assert.is(platformOf('Linux', 'aarch64'), 'linux-arm64');
  assert.is(platformOf('Linux\n', 'x86_64'), 'linux-x64');
  assert.is(platformRefusal('h', 'linux-x64', 'linux-x64'), null);
  assert.match(platformRefusal('arm-box', 'linux-arm64', 'linux-x64')!, /arm-box is linux-arm64, .* is linux-x64: build stampede on a linux-arm64 machine/);
});

test.run();
