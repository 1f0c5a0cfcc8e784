import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFaultList } from '../../src/options/faults.js';
import { runCli } from '../helpers/cli.js';
import { rejects } from '../helpers/refusal.js';

const dir = mkdtempSync(join(tmpdir(), 'stampede-fault-specs-'));


const bad: [string, string, RegExp][] = [
  ['an unknown kind', 'explode-node@10s', /--fault must be a fault such as kill-leader@10s:15s.*kinds: broker-restart, kill-node/],
  ['no time', 'kill-node=2', /--fault must be a fault such as/],
  ['a node that is not a number', 'kill-node=two@10s:5s', /--fault must be kill-node\[=<node>\]@<when>\[:<down time>\] \(got "kill-node=two@10s:5s"\)/],
  ['a bad duration', 'pause-node=1@soon:8s', /--fault must be a duration/],
  ['a delay without its amount', 'delay-node=1@10s:30s', /--fault must be delay-node=<node>@<when>:<for>=<delay>/],
  ['a partition without its length', 'partition-node=2@10s', /--fault must be partition-node=<node>@<when>:<for>/],
  ['a leader named without a partition number', 'kill-leader=iot@10s', /--fault must be kill-leader\[=<topic>-<partition>\]/],
  ['a rolling restart with a length', 'rolling-restart@10s:5s', /--fault must be rolling-restart@<when>/],
];
for (const [what, spec, mentions] of bad) {
  test(`--fault with ${what} is refused: exit 2, one line`, async () => {
    await rejects(['run', '--brokers', '127.0.0.11:1', '--duration', '1s', '--fault', spec], mentions);
  });
}

test('--fault broker-restart beside other faults is refused (it belongs to stampede broker up alone)', async () => {
  await rejects(['run', '--duration', '1s', '--fault', 'broker-restart@1s', '--fault', 'kill-node@2s'], /--fault must be broker-restart alone/);
});

test('cluster faults on brokers stampede did not start are refused before the run', async () => {
  await rejects(['run', '--brokers', '127.0.0.1:1', '--duration', '1s', '--fault', 'kill-leader@1s:5s'], /^stampede: --fault kill-leader: acts only on a cluster stampede started \(stampede cluster up\)/);
});

test('a workload file\'s faults: list is read as the --fault timeline; a bad entry names the file', async () => {
  const path = join(dir, 'faults.yaml');
  writeFileSync(path, 'faults:\n  - kill-leader@10s:15s\n  - pause-node=9@x\n');
  await rejects(['run', '--workload', path, '--duration', '1s'], new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: fault must be a duration`));
});

test('fault specs parse into the timeline they say', () => {
  assert.equal(parseFaultList('--fault', ['kill-node=2@10s:15s', 'kill-leader=iot-3@5s', 'kill-controller@1m:10s', 'pause-node@10s:8s', 'rolling-restart@10s', 'delay-node=1@10s:30s=20ms', 'partition-node=2@10s:20s']), [
    { kind: 'kill-node', atMs: 10_000, node: 2, downMs: 15_000 },
    { kind: 'kill-leader', atMs: 5_000, partition: { topic: 'iot', partition: 3 } },
    { kind: 'kill-controller', atMs: 60_000, downMs: 10_000 },
    { kind: 'pause-node', atMs: 10_000, durationMs: 8_000 },
    { kind: 'rolling-restart', atMs: 10_000 },
    { kind: 'delay-node', node: 1, atMs: 10_000, durationMs: 30_000, delayMs: 20 },
    { kind: 'partition-node', node: 2, atMs: 10_000, durationMs: 20_000 },
  ]);
  assert.equal(parseFaultList('--fault', 'kill-leader=my-topic-12@1s:2s'), [{ kind: 'kill-leader', atMs: 1000, partition: { topic: 'my-topic', partition: 12 }, downMs: 2000 }]);
});

test.run();
