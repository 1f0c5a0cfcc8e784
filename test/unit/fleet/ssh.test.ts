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
  // A crashed Node process: its error line, not the "Node.js v20" trailer after the stack.
  const crash = [
    'node:internal/modules/esm/resolve:853',
    '  throw new ERR_MODULE_NOT_FOUND(packageName, fileURLToPath(base), null);',
    '        ^',
    '',
    "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'uvu' imported from /srv/x.js",
    '    at packageResolve (node:internal/modules/esm/resolve:853:9)',
    '    at moduleResolve (node:internal/modules/esm/resolve:910:20) {',
    "  code: 'ERR_MODULE_NOT_FOUND'",
    '}',
    '',
    'Node.js v20.20.2',
    '',
  ].join('\n');
  assert.is(lastErrorLine(crash), "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'uvu' imported from /srv/x.js");
  assert.is(lastErrorLine('TypeError: x is not a function\n    at f (a.js:1:1)\n\nNode.js v20.20.2\n'), 'TypeError: x is not a function');
  // Without an error line: what it printed before the trailer.
  assert.is(lastErrorLine('Aborted (core dumped)\nNode.js v20.20.2\n'), 'Aborted (core dumped)');
});

test('install refuses a host of another platform or architecture, saying what it would need', () => {
  assert.is(platformOf('Linux', 'aarch64'), 'linux-arm64');
  assert.is(platformOf('Linux\n', 'x86_64'), 'linux-x64');
  assert.is(platformRefusal('h', 'linux-x64', 'linux-x64'), null);
  assert.match(platformRefusal('arm-box', 'linux-arm64', 'linux-x64')!, /arm-box is linux-arm64, .* is linux-x64: build stampede on a linux-arm64 machine/);
});

test.run();
