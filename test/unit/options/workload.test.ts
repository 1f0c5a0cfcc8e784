import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWorkloadFile, resolveWorkload } from '../../../src/options/workload.js';
import { OPTION_SPECS } from '../../../src/options/schema.js';
import { parseDurationMs, parseList } from '../../../src/options/parse.js';

test('defaults come from the one schema', () => {
  const workload = resolveWorkload({}, {});
  assert.is(workload.devices, 100_000);
  assert.is(workload.rateRecordsPerSec, undefined);
  assert.is(workload.durationMs, 30_000);
  assert.is(workload.client, 'native');
  assert.equal(workload.producerProps, {});
});

test('flags override the workload file, which overrides defaults', () => {
  const workload = resolveWorkload({ devices: 500, rate: 1000, topic: 'from-file' }, { devices: '700' }, 'w.yaml');
  assert.is(workload.devices, 700);
  assert.is(workload.rateRecordsPerSec, 1000);
  assert.is(workload.topic, 'from-file');
});

test('errors name the file and field when the bad value came from the file', () => {
  assert.throws(() => resolveWorkload({ devices: -3 }, {}, 'w.yaml'), /w\.yaml: devices must be an integer from 1 to 100000000 \(got -3\)/);
  assert.throws(() => resolveWorkload({}, { devices: '-3' }), /--devices must be an integer from 1 to 100000000 \(got "-3"\)/);
});

test('durations accept ms, s, m, h and bare seconds', () => {
  assert.is(parseDurationMs('d', '500ms'), 500);
  assert.is(parseDurationMs('d', '30s'), 30_000);
  assert.is(parseDurationMs('d', '2m'), 120_000);
  assert.is(parseDurationMs('d', '1h'), 3_600_000);
  assert.is(parseDurationMs('d', 3), 3_000);
  assert.is(parseDurationMs('d', '1.5s'), 1_500);
});

test('producer props accept k=v lists and YAML mappings', () => {
  assert.equal(resolveWorkload({}, { 'producer-props': ['linger.ms=5', 'acks=all'] }).producerProps, { 'linger.ms': '5', acks: 'all' });
  assert.equal(resolveWorkload({ 'producer-props': [{ 'linger.ms': 5 }] }, {}).producerProps, { 'linger.ms': '5' });
});

test('a workload file with an unknown field is rejected by name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-wl-'));
  const path = join(dir, 'bad.yaml');
  writeFileSync(path, 'devics: 10\n');
  assert.throws(() => readWorkloadFile(path), /unknown field "devics"/);
});

test('every bundled workload file is valid', async () => {
  const { readdirSync } = await import('node:fs');
  const { configsDir } = await import('../../../src/paths.js');
  const dir = join(configsDir, 'workloads');
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.yaml'))) {
    const path = join(dir, name);
    resolveWorkload(readWorkloadFile(path), {}, path);
  }
});

test('every option has a description', () => {
  for (const spec of OPTION_SPECS) assert.ok(spec.describe.length > 10, spec.name);
});

test('a workload file may not choose a command to run: remote-command and ssh-config are flags only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-wl-'));
  for (const [key, why] of [['remote-command', 'it is the command run on every host'], ['ssh-config', 'an ssh_config runs commands']]) {
    const path = join(dir, `${key}.yaml`);
    writeFileSync(path, `hosts: [loadgen-1]\n${key}: x\n`);
    assert.throws(() => readWorkloadFile(path), (err: Error) => err.message.startsWith(`workload file ${path}: ${key} is taken as a flag only (--${key}): ${why}`));
  }
  // As flags they still count.
  assert.is(resolveWorkload({ hosts: ['loadgen-1'] }, { 'remote-command': 'bun bin/stampede.js', 'ssh-config': 'fleet.ssh_config' }).remoteCommand, 'bun bin/stampede.js');
});

test('hosts are ssh host names: aliases, DNS names, user@, IP addresses; nothing a shell or ssh would read as more', () => {
  assert.equal(parseList('--hosts', 'loadgen-1,load_gen.example.com,ops@loadgen-2,10.0.1.11,::1,fe80::1'), ['loadgen-1', 'load_gen.example.com', 'ops@loadgen-2', '10.0.1.11', '::1', 'fe80::1']);
  for (const bad of ['a;b', '$(id)', 'a`id`', 'a|b', 'a&b', 'a>b', "a'b", 'a"b', 'a\\b', 'a b', 'a%h', '-oProxyCommand=x', 'ops@-x', '@host', 'a@b@c', '[::1]', 'a*', 'x'.repeat(256)]) {
    assert.throws(() => parseList('--hosts', ['loadgen-1', bad]), (err: Error) => err.message.includes(`${JSON.stringify(bad)} is not one`), bad);
  }
});

test.run();
