import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'stampede-cli-fleet-'));

/** Bad input for the many-hosts options: exit 2, one line naming it, no stack, before any ssh session. */
async function rejects(args: string[], mentions: RegExp): Promise<void> {
  const outcome = await runCli(args, { timeoutMs: 30_000 });
  assert.is(outcome.code, 2, `exit code for ${args.join(' ')}\n${outcome.stderr}`);
  assert.match(outcome.stderr, /^stampede: [^\n]*\n$/);
  assert.match(outcome.stderr, mentions);
}

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

test.run();
