import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../../src/contracts/result.js';
import { runCli } from '../helpers/cli.js';
import { fakeSshEnv } from '../helpers/fake-ssh.js';

/**
 * --hosts runs against agents that misbehave (test/helpers/fake-ssh.ts: a fake `ssh` first on
 * PATH speaks the protocol as each host): the host that does is named and failed, the others run
 * to the end, and the result is written. No broker (null client), no sshd.
 */
const dir = mkdtempSync(join(tmpdir(), 'stampede-fake-agents-'));
const env = fakeSshEnv();

async function fleetRun(name: string, hosts: string[], extra: string[] = []): Promise<{ code: number | null; output: string; elapsedMs: number; result: RunResult }> {
  const out = join(dir, `${name}.json`);
  const outcome = await runCli(['run', '--hosts', hosts.join(','), '--client', 'null', '--devices', '100', '--workers', '2', '--duration', '3s', '--out', out, ...extra], { timeoutMs: 60_000, env });
  const output = outcome.stdout + outcome.stderr;
  assert.ok(existsSync(out), `the result is written\n${output}`);
  assert.not.match(output, /\n\s+at /, 'no stack trace');
  return { code: outcome.code, output, elapsedMs: outcome.elapsedMs, result: JSON.parse(readFileSync(out, 'utf8')) as RunResult };
}

const hostNamed = (result: RunResult, name: string) => result.hosts!.find((host) => host.name === name)!;

test('a malformed agent line fails that host, named with the line cut to 200 characters; the other host runs to the end', async () => {
  const { code, output, result } = await fleetRun('garbled', ['good-1', 'garbled-1']);
  assert.is(code, 1, output);
  assert.is(hostNamed(result, 'good-1').status, 'ok');
  assert.ok(hostNamed(result, 'good-1').totals.sent >= 2 * 1000 * 10, `good-1 sent ${hostNamed(result, 'good-1').totals.sent} over its 3 s`);
  const failure = hostNamed(result, 'garbled-1').failure ?? '';
  assert.is(hostNamed(result, 'garbled-1').status, 'failed');
  assert.match(failure, /^host garbled-1: agent ended mid-run \(sent a malformed interval message \(interval\.produced must be an object \(got nothing\)\): \{"type":"interval","seq":99,/);
  const quoted = /\): (\{"type":"interval".*)\)$/.exec(failure)?.[1] ?? '';
  assert.is(quoted.length, 201, `the 700-character line is quoted cut to 200 characters and an ellipsis: ${quoted}`);
  assert.ok(quoted.endsWith('xxx…'));
  assert.match(output, /host garbled-1: agent ended mid-run \(sent a malformed interval message/);
  assert.ok(result.totals.sent >= hostNamed(result, 'good-1').totals.sent, 'the merged totals keep both hosts\' counts');
});

test('an agent writing megabytes without a newline fails at the line bound; the other host runs to the end', async () => {
  const { code, output, result } = await fleetRun('flood', ['good-1', 'flood-1']);
  assert.is(code, 1, output);
  assert.is(hostNamed(result, 'good-1').status, 'ok');
  assert.match(hostNamed(result, 'flood-1').failure ?? '', /^host flood-1: agent ended mid-run \(sent \d+ characters without a newline \(a protocol line is at most 4194304\)\)$/);
});

test('an agent that never sends its final line is ended by --timeout: host failed, partial result written', async () => {
  const { code, output, elapsedMs, result } = await fleetRun('silent', ['good-1', 'silent-1'], ['--timeout', '2s']);
  assert.is(code, 1, output);
  assert.is(hostNamed(result, 'good-1').status, 'ok');
  const silent = hostNamed(result, 'silent-1');
  assert.is(silent.status, 'failed');
  assert.match(silent.failure ?? '', /^host silent-1: agent ended mid-run \(no final line within --timeout 2s after stop\)$/);
  assert.ok(silent.totals.sent > 0, `its interval lines count: ${silent.totals.sent} sent`);
  assert.ok(elapsedMs < 3_000 + 2_000 + 10_000, `ended ${elapsedMs} ms after it started (3 s run, 2 s timeout)`);
});

test('hosts check sends no connection settings to an agent of another version, and says so', async () => {
  const log = join(dir, 'lines-to-agents.txt');
  const password = 'nosy-agent-pw-7731';
  const outcome = await runCli(['hosts', 'check', '--hosts', 'good-1', '--brokers', '127.0.0.1:1', '--command-property', `sasl.password=${password}`, '--command-property', 'security.protocol=SASL_PLAINTEXT', '--command-property', 'sasl.mechanism=PLAIN', '--command-property', 'sasl.username=alice'], {
    timeoutMs: 60_000,
    env: { ...env, FAKE_AGENT_VERSION: '0.0.1', FAKE_AGENT_LOG: log },
  });
  const output = outcome.stdout + outcome.stderr;
  assert.is(outcome.code, 2, output);
  assert.match(output, /0\.0\.1/, 'the other version is named');
  assert.match(output, /not checked/);
  const sent = readFileSync(log, 'utf8');
  assert.match(sent, /"type":"ping"/, 'the clock was still measured');
  assert.not.match(sent, /"type":"check"/);
  assert.not.ok(sent.includes(password), 'the password never reached the agent');
});

test.run();
