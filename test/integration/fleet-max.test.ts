import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MaxResult } from '../../src/experiments/max-rate.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runCli } from '../helpers/cli.js';
import { assertNoAgents, startTestHosts, type TestHosts } from '../helpers/sshd.js';

// A file of its own so it can run after the integration shards, by itself: each step is judged on
// whether 2 s at a fixed rate delivered 99 % of it, and on a host shared with two other shards the
// edges of so short a window decide that more than the search does.
const dir = mkdtempSync(join(tmpdir(), 'stampede-fleet-max-'));
const fleetMax = suite<{ kafka?: TestBroker; hosts?: TestHosts }>('max across hosts over ssh, on a real broker');

fleetMax.before(async (context) => {
  context.hosts = await startTestHosts(2);
  context.kafka = await startTestBroker();
});

fleetMax.after(async (context) => {
  await context.kafka?.stop();
  await context.hosts?.stop();
});

fleetMax('max --slo across 2 hosts: every step is a fleet run, the answer lies between the floor and the measured max, and a confirming run on both hosts meets the SLO on their merged histograms', async ({ kafka, hosts }) => {
  const out = join(dir, 'max.json');
  const outcome = await runCli(['max', '--hosts', hosts!.names.slice(0, 2).join(','), '--ssh-config', hosts!.sshConfig, '--brokers', kafka!.bootstrap, '--topic', 'fleet-max', '--partitions', '2', '--format', 'fixed', '--devices', '100', '--step-duration', '2s', '--warmup', '1s', '--floor', '1000', '--max-publish-delay', '1s', '--slo', 'p99<10s', '--max-steps', '2', '--precision', '50%', '--out', out], { timeoutMs: 150_000 });
  assert.is(outcome.code, 0, `${outcome.stdout}\n${outcome.stderr}`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as MaxResult;
  assert.is(result.status, 'ok');
  const answer = result.answer.recordsPerSec!;
  assert.ok(answer >= 1000 && answer <= result.maxThroughput!.recordsPerSec, `answer ${answer} between the floor and the max ${result.maxThroughput!.recordsPerSec}`);
  const confirmation = result.confirmation!;
  assert.is(confirmation.recordsPerSec, answer, 'the confirming run asked the answer');
  assert.ok(confirmation.met, confirmation.reasons.join('; '));
  assert.equal(confirmation.hosts.map((host) => host.name), hosts!.names.slice(0, 2), 'it ran on both hosts');
  assert.ok(confirmation.hosts.every((host) => host.acked > 0), JSON.stringify(confirmation.hosts));
  assert.is(confirmation.hosts.reduce((sum, host) => sum + host.acked, 0), confirmation.acked, 'judged on the merged totals of both hosts');
  assert.ok(confirmation.achievedPct >= 99 && confirmation.produceAckP99Us! < 10_000_000, JSON.stringify(confirmation));
  assert.match(outcome.stdout, new RegExp(`✓ confirmed at ${answer.toLocaleString('en-US')} rec/s on 2 hosts \\(loadgen-1, loadgen-2\\), merged: achieved`));
  assert.ok(result.notices.includes(`every run of the search produces from 2 hosts: ${hosts!.names.slice(0, 2).join(', ')}`), result.notices.join('\n'));
  await assertNoAgents();
});

fleetMax.run();
