import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { computeBuildId } from '../../src/build-id.js';
import { decodeCounts } from '../../src/fleet/protocol.js';
import { projectRoot } from '../../src/paths.js';
import type { RunResult } from '../../src/contracts/result.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runCli, userEnv, type CliOutcome } from '../helpers/cli.js';
import { checkIntegrity } from '../helpers/integrity.js';
import { readTopicWithKcat } from '../helpers/kcat.js';
import { agentProcesses, assertNoAgents, startTestHosts, type TestHosts } from '../helpers/sshd.js';

const dir = mkdtempSync(join(tmpdir(), 'stampede-fleet-'));
const fleet = suite<{ kafka?: TestBroker; hosts?: TestHosts }>('many hosts over ssh, on a real broker');

fleet.before(async (context) => {
  // loadgen-4 answers `uname -m` with aarch64: the arm64 host hosts install must refuse.
  context.hosts = await startTestHosts(4, { unameMachine: { 'loadgen-4': 'aarch64' } });
  context.kafka = await startTestBroker();
});

fleet.after(async (context) => {
  await context.kafka?.stop();
  await context.hosts?.stop();
});

const readResult = (path: string): RunResult => JSON.parse(readFileSync(path, 'utf8')) as RunResult;
const histogramCount = (hdr: string): number => decodeCounts(hdr).reduce((sum, count) => sum + count, 0);

for (const hostCount of [2, 3]) {
  fleet(`${hostCount} hosts × 2 workers: exact totals, every device's every sequence number on the topic, per-host sums = merged totals`, async ({ kafka, hosts }) => {
    const out = join(dir, `hosts-${hostCount}.json`);
    const topic = `fleet-${hostCount}`;
    const records = 24_001;
    const devices = 1_001;
    const names = hosts!.names.slice(0, hostCount);
    const outcome = await runCli(['run', '--hosts', names.join(','), '--ssh-config', hosts!.sshConfig, '--brokers', kafka!.bootstrap, '--topic', topic, '--partitions', '3', '--workers', '2', '--devices', String(devices), '--records', String(records), '--verbose', '--out', out], { timeoutMs: 120_000 });
    assert.is(outcome.code, 0, outcome.stdout + outcome.stderr);
    const result = readResult(out);
    assert.is(result.totals.sent, records);
    assert.is(result.totals.acked, records);
    assert.is(result.totals.errors, 0);
    assert.is(result.plan.length, hostCount * 2, 'the plan in the JSON is hosts × workers');
    assert.is(result.plan.reduce((sum, shard) => sum + (shard.records ?? 0), 0), records);
    assert.is(histogramCount(result.latency.produceAck.hdr), records, 'merged HDR count = acked');
    const perHost = result.hosts!;
    assert.is(perHost.length, hostCount);
    assert.is(perHost.reduce((sum, host) => sum + host.totals.acked, 0), result.totals.acked);
    assert.is(perHost.reduce((sum, host) => sum + host.totals.sent, 0), result.totals.sent);
    assert.is(perHost.reduce((sum, host) => sum + host.produceAck.count, 0), result.latency.produceAck.count);
    for (const host of perHost) {
      assert.is(host.status, 'ok');
      // A line per interval tick while the run lasts (none when it ends within the first), no more;
      // a line counted is a line measured.
      const { intervalLines, bytesPerIntervalLine } = host.protocol;
      assert.ok(intervalLines <= Math.ceil(result.totals.durationMs / 1000) + 1, `${host.name}: ${intervalLines} interval lines in ${result.totals.durationMs} ms`);
      assert.ok(intervalLines === 0 ? bytesPerIntervalLine === 0 : bytesPerIntervalLine > 0, JSON.stringify(host.protocol));
      assert.ok(Math.abs(host.clock.offsetUs) < 1_000, `${host.name} offset ${host.clock.offsetUs} µs on loopback`);
      assert.ok(host.clock.uncertaintyUs < 1_000, `${host.name} bound ${host.clock.uncertaintyUs} µs < 1 ms`);
    }
    assert.ok(result.fleet!.clockSkewBoundUs < 1_000, `skew bound ${result.fleet!.clockSkewBoundUs} µs`);
    assert.is(result.fleet!.clockSkewExceeded, false);
    assert.match(outcome.stdout, /✓ clock skew bound ±0\.\d{3} ms .*, within --max-clock-skew 1\.000 ms/);
    for (const name of names) assert.match(outcome.stdout, new RegExp(`\\s${name}\\s+(running|done)`), '--verbose prints per-host lines');

    const integrity = checkIntegrity(await readTopicWithKcat(kafka!.bootstrap, topic), 'iot-msgpack');
    assert.is(integrity.records, records, 'kcat reads every record');
    assert.is(integrity.devices, devices, 'every device');
    assert.equal(integrity.incompleteDevices, [], 'every device has every sequence number 0..n-1');
    assert.is(integrity.duplicates, 0);
    await assertNoAgents();
  });
}

fleet('--e2e across hosts: consumers on the coordinator see every record once; a clock bound above --max-clock-skew is flagged', async ({ kafka, hosts }) => {
  const out = join(dir, 'e2e.json');
  const outcome = await runCli(['run', '--hosts', hosts!.names.slice(0, 2).join(','), '--ssh-config', hosts!.sshConfig, '--brokers', kafka!.bootstrap, '--topic', 'fleet-e2e', '--partitions', '2', '--workers', '2', '--devices', '400', '--records', '20000', '--e2e', '--max-clock-skew', '0ms', '--out', out], { timeoutMs: 120_000 });
  assert.is(outcome.code, 0, outcome.stdout + outcome.stderr);
  const result = readResult(out);
  assert.is(result.latency.endToEnd!.count, 20_000);
  assert.is(result.integrity!.lost, 0);
  assert.is(result.integrity!.duplicates, 0);
  assert.is(result.integrity!.devices, 400);
  assert.is(result.fleet!.e2eConsumersOn, 'coordinator');
  // A measured bound is never 0 (it is half a round trip), so 0 ms is always exceeded.
  assert.is(result.fleet!.clockSkewExceeded, true);
  // The bound printed is the one measured (on a loaded host a loopback round trip can pass 2 ms,
  // so its size is not what is checked here).
  const boundMs = (result.fleet!.clockSkewBoundUs / 1000).toFixed(3).replace('.', '\\.');
  assert.match(outcome.stdout, new RegExp(`⚠ clock skew bound ±${boundMs} ms .* exceeds --max-clock-skew 0\\.000 ms`));
  assert.ok(result.notices.some((line) => /end-to-end latency crosses hosts: clocks agree to within ±\d+\.\d{3} ms/.test(line)), result.notices.join('\n'));
  await assertNoAgents();
});

fleet('an observed stage across hosts is read on the coordinator: exact counts from 2 hosts, and the clock-offset bound applies to its latency', async ({ kafka, hosts }) => {
  const out = join(dir, 'stage.json');
  const topic = 'fleet-stage';
  // The stage observes the produced topic itself: a passthrough with nothing in between, so no processor runs on the hosts.
  const outcome = await runCli(['run', '--hosts', hosts!.names.slice(0, 2).join(','), '--ssh-config', hosts!.sshConfig, '--brokers', kafka!.bootstrap, '--topic', topic, '--partitions', '2', '--workers', '2', '--devices', '400', '--records', '20000', '--observe', `${topic}:passthrough`, '--max-clock-skew', '0ms', '--out', out], { timeoutMs: 120_000 });
  assert.is(outcome.code, 0, outcome.stdout + outcome.stderr);
  const result = readResult(out);
  const stage = result.stages![0]!;
  assert.equal([stage.records, stage.latency!.count], [20_000, 20_000]);
  assert.equal(stage.integrity, { lost: 0, duplicates: 0, outOfOrder: 0, foreign: 0, foreignUnknownReason: null, passedShare: 1 });
  // A measured bound is never 0 (half a round trip), so 0 ms is always exceeded, and said of the stage's latency.
  assert.is(result.fleet!.clockSkewExceeded, true);
  assert.ok(result.notices.some((line) => /stage latency crosses hosts: clocks agree to within ±\d+\.\d{3} ms/.test(line)), result.notices.join('\n'));
  assert.ok(result.notices.some((line) => /observed stages are read on this \(the coordinator's\) host/.test(line)), result.notices.join('\n'));
  await assertNoAgents();
});

fleet('--backlog across hosts: the coordinator\'s consumers stay paused while 2 hosts build the backlog, then drain it; every record once', async ({ kafka, hosts }) => {
  const out = join(dir, 'backlog.json');
  const outcome = await runCli(['run', '--hosts', hosts!.names.slice(0, 2).join(','), '--ssh-config', hosts!.sshConfig, '--brokers', kafka!.bootstrap, '--topic', 'fleet-backlog', '--partitions', '3', '--devices', '1000', '--rate', '20000', '--max-publish-delay', '5s', '--duration', '8s', '--e2e', '--consumers', '2', '--backlog', '5MB', '--out', out], { timeoutMs: 120_000 });
  // 3: a fixed rate this shared host could not keep is judged not valid; the backlog is what is tested here.
  assert.ok(outcome.code === 0 || outcome.code === 3, outcome.stdout + outcome.stderr);
  const result = readResult(out);
  assert.is(result.hosts!.length, 2);
  const backlog = result.backlog!;
  assert.is(backlog.resumedBecause, 'backlog-reached', outcome.stdout);
  assert.ok(backlog.reachedBytes >= 5_000_000, `backlog ${backlog.reachedBytes} B when resumed`);
  const before = result.intervals.filter((row) => row.elapsedMs <= backlog.resumedAtMs!);
  assert.ok(before.length > 0 && before.every((row) => row.consumedPerSec === 0), JSON.stringify(before.map((row) => [row.elapsedMs, row.consumedPerSec])));
  assert.ok(backlog.recoveryMs !== null && backlog.recoveryMs > 0, `drained: ${JSON.stringify(backlog)}`);
  assert.equal([result.integrity!.lost, result.integrity!.duplicates, result.integrity!.uniqueRecords], [0, 0, result.totals.acked]);
  await assertNoAgents();
});

fleet('--consumer-churn across hosts: a rebalance per period on the coordinator\'s group while 2 hosts produce; integrity exact across them', async ({ kafka, hosts }) => {
  const out = join(dir, 'churn.json');
  const outcome = await runCli(['run', '--hosts', hosts!.names.slice(0, 2).join(','), '--ssh-config', hosts!.sshConfig, '--brokers', kafka!.bootstrap, '--topic', 'fleet-churn', '--partitions', '4', '--devices', '1000', '--rate', '10000', '--max-publish-delay', '5s', '--duration', '7s', '--e2e', '--consumers', '1', '--consumer-churn', '3s', '--out', out], { timeoutMs: 120_000 });
  assert.ok(outcome.code === 0 || outcome.code === 3, outcome.stdout + outcome.stderr);
  const result = readResult(out);
  assert.is(result.hosts!.length, 2);
  const churn = result.churn!;
  assert.equal(churn.rebalances.map((event) => event.action), ['added', 'removed'], JSON.stringify(churn.rebalances));
  for (const event of churn.rebalances) assert.ok(event.pauseMs > 0, `rebalance at ${event.atMs} ms: pause ${event.pauseMs} ms`);
  assert.is(churn.endToEnd.aroundRebalances.count + churn.endToEnd.others.count, result.latency.endToEnd!.count);
  assert.equal([result.integrity!.lost, result.integrity!.duplicates, result.integrity!.uniqueRecords], [0, 0, result.totals.acked]);
  await assertNoAgents();
});

fleet('a host that is down, and a wrong key: one line naming the host within 15 s, exit 2, no agent left', async ({ kafka, hosts }) => {
  const down = await runCli(['run', '--hosts', `${hosts!.names[0]},loadgen-down`, '--ssh-config', hosts!.configWithDownHost('loadgen-down'), '--brokers', kafka!.bootstrap, '--records', '1000']);
  assert.is(down.code, 2, down.stdout + down.stderr);
  assert.ok(down.elapsedMs < 15_000, `${down.elapsedMs} ms`);
  assert.match(down.stderr, /^stampede: host loadgen-down: unreachable \(.*Connection refused\)\n$/);
  const wrong = await runCli(['run', '--hosts', hosts!.names.slice(0, 2).join(','), '--ssh-config', hosts!.configWithWrongKey(hosts!.names[1]!), '--brokers', kafka!.bootstrap, '--records', '1000']);
  assert.is(wrong.code, 2, wrong.stdout + wrong.stderr);
  assert.ok(wrong.elapsedMs < 15_000, `${wrong.elapsedMs} ms`);
  assert.match(wrong.stderr, /^stampede: host loadgen-2: ssh login failed \(.*Permission denied \(publickey\)\.\)/);
  assert.not.match(wrong.stderr, /loadgen-1/);
  await assertNoAgents();
});

fleet('hosts check: one table; exit 2 naming the host that fails', async ({ kafka, hosts }) => {
  const outcome = await runCli(['hosts', 'check', '--hosts', `${hosts!.names.slice(0, 2).join(',')},loadgen-down`, '--ssh-config', hosts!.configWithDownHost('loadgen-down'), '--brokers', kafka!.bootstrap]);
  assert.is(outcome.code, 2, outcome.stdout + outcome.stderr);
  assert.match(outcome.stdout, new RegExp(`loadgen-1\\s+✓\\s+\\d+\\.\\d+\\.\\d+\\s+${computeBuildId()}\\s+node \\S+\\s+\\d+\\s+[\\d.]+ GiB\\s+-?\\d\\.\\d{3} ± 0\\.\\d{3}\\s+ok \\(1 broker`));
  assert.match(outcome.stdout, /loadgen-down\s+✗/);
  assert.is(outcome.stderr.trim().split('\n').length, 1);
  assert.match(outcome.stderr, /^stampede: host loadgen-down: unreachable/);
  await assertNoAgents();
});

fleet('an agent killed mid-run: the host is named, the others run to the end, the partial result is written, exit 1', async ({ kafka, hosts }) => {
  const out = join(dir, 'killed.json');
  const child = spawn(process.execPath, [join(projectRoot, 'bin', 'stampede.js'), 'run', '--hosts', hosts!.names.slice(0, 2).join(','), '--ssh-config', hosts!.sshConfig, '--brokers', kafka!.bootstrap, '--topic', 'fleet-killed', '--workers', '1', '--devices', '100', '--rate', '4000', '--duration', '5s', '--out', out], { cwd: projectRoot, env: userEnv() });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  const deadline = Date.now() + 30_000;
  while (!/\[\s+2 s\]/.test(stdout) && Date.now() < deadline) await sleep(50);
  // loadgen-2 is 127.0.0.3: its session says so in SSH_CONNECTION. npx starts the agent as its
  // grandchild (npm exec → sh → node): all of them go, as a crash or an OOM kill would take it.
  const victims = agentProcesses().filter((agent) => / 127\.0\.0\.3 /.test(agent.sshConnection)).map((agent) => agent.pid);
  assert.ok(victims.length > 0, 'found the agent of loadgen-2');
  for (const pid of victims) process.kill(pid, 'SIGKILL');
  const code = await closed;
  assert.is(code, 1, stdout + stderr);
  assert.match(stderr, /host loadgen-2: agent ended mid-run/);
  const result = readResult(out);
  assert.is(result.status, 'failed');
  const [first, second] = result.hosts!;
  assert.is(first!.status, 'ok');
  assert.is(second!.status, 'failed');
  assert.ok(first!.totals.acked >= 9_000, `loadgen-1 ran to the end: ${first!.totals.acked} acked`);
  assert.ok(second!.totals.acked > 0 && second!.totals.acked < first!.totals.acked, `loadgen-2's partial ${second!.totals.acked} is kept`);
  assert.is(result.totals.acked, first!.totals.acked + second!.totals.acked);
  await assertNoAgents();
});

fleet('SIGINT to the coordinator stops every agent in order: exit 130, a result, no agent left', async ({ kafka, hosts }) => {
  const out = join(dir, 'sigint.json');
  const child = spawn(process.execPath, [join(projectRoot, 'bin', 'stampede.js'), 'run', '--hosts', hosts!.names.slice(0, 3).join(','), '--ssh-config', hosts!.sshConfig, '--brokers', kafka!.bootstrap, '--topic', 'fleet-sigint', '--devices', '300', '--rate', '3000', '--duration', '60s', '--out', out], { cwd: projectRoot, env: userEnv() });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (!/\[\s+1 s\]/.test(stdout) && Date.now() < deadline) await sleep(100);
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.is(code, 130, stdout);
  const result = readResult(out);
  assert.is(result.status, 'interrupted');
  assert.ok(result.hosts!.every((host) => host.status === 'ok'), 'every agent sent its final line');
  assert.is(result.totals.acked, result.totals.sent);
  await assertNoAgents();
});

fleet('hosts install: an arm64 host is refused before anything is copied; then this build goes into a fresh --remote-dir on 2 hosts and a run\'s agents run from there', async ({ kafka, hosts }) => {
  const remoteDir = join(mkdtempSync(join(tmpdir(), 'stampede-remote-')), 'load');
  const install = (names: string): Promise<CliOutcome> => runCli(['hosts', 'install', '--hosts', names, '--ssh-config', hosts!.sshConfig, '--remote-dir', remoteDir], { timeoutMs: 90_000 });
  try {
    const refused = await install('loadgen-1,loadgen-4');
    assert.is(refused.code, 2, refused.stdout + refused.stderr);
    const here = `${process.platform}-${process.arch}`;
    assert.is(refused.stderr, `stampede: host loadgen-4 is linux-arm64, and this build's native client (native/stampede-native.node) is ${here}: build stampede on a linux-arm64 machine (make build) and run hosts install from there\n`);
    assert.match(refused.stdout, new RegExp(`loadgen-1\\s+${here}\\s+— not copied`));
    assert.ok(!existsSync(remoteDir), 'nothing was copied to loadgen-1 either');

    // What an install killed mid-copy leaves (every host here is this machine, so its `uname -n`).
    const killedCopy = `.incoming-${spawnSync('uname', ['-n']).stdout.toString().trim()}-${spawnSync('true').pid}`;
    mkdirSync(join(remoteDir, 'node_modules', '.stampede', killedCopy), { recursive: true });
    const installed = await install('loadgen-1,loadgen-2');
    assert.is(installed.code, 0, installed.stdout + installed.stderr);
    console.log(`    hosts install on 2 hosts: ${(installed.elapsedMs / 1000).toFixed(1)} s`);
    const id = computeBuildId();
    assert.equal(readdirSync(join(remoteDir, 'node_modules', '.stampede')), [id], 'the killed copy is removed, and no incoming directory is left');
    const root = join(remoteDir, 'node_modules', '.stampede', id);
    for (const name of ['loadgen-1', 'loadgen-2']) assert.match(installed.stdout, new RegExp(`${name}\\s+${here}\\s+✓\\s+${id}\\s+${root}`));
    // The production dependencies came in the bundle, as built here (no registry on the host); the dev ones did not.
    for (const dependency of ['hdr-histogram-js', 'yargs', 'piscina', 'msgpackr', 'node-rdkafka']) assert.ok(existsSync(join(root, 'node_modules', dependency, 'package.json')), dependency);
    for (const dependency of ['typescript', 'uvu', 'bun', 'deno']) assert.not.ok(existsSync(join(root, 'node_modules', dependency)), `no ${dependency}`);

    const out = join(dir, 'installed.json');
    const run = await runCli(['run', '--hosts', 'loadgen-1,loadgen-2', '--ssh-config', hosts!.sshConfig, '--remote-dir', remoteDir, '--brokers', kafka!.bootstrap, '--topic', 'fleet-installed', '--workers', '2', '--devices', '200', '--records', '10000', '--out', out], { timeoutMs: 120_000 });
    assert.is(run.code, 0, run.stdout + run.stderr);
    const result = readResult(out);
    assert.is(result.totals.acked, 10_000);
    assert.is(result.fleet!.coordinator.buildId, id);
    for (const host of result.hosts!) {
      assert.is(host.agent.root, root, `${host.name} ran the installed copy, not this checkout`);
      assert.is(host.agent.buildId, id, `${host.name} ran this build's bytes`);
    }
    assert.not.match(run.stdout + run.stderr, /makes them the same/, 'no build-differs notice');
  } finally {
    rmSync(dirname(remoteDir), { recursive: true, force: true });
  }
  await assertNoAgents();
});

fleet('version mismatch: a clear error before anything is sent', async ({ kafka, hosts }) => {
  const outcome: CliOutcome = await runCli(['run', '--hosts', hosts!.names[0]!, '--ssh-config', hosts!.sshConfig, '--brokers', kafka!.bootstrap, '--records', '100', '--remote-command', 'node test/fixtures/old-agent.js']);
  assert.is(outcome.code, 2, outcome.stdout + outcome.stderr);
  assert.match(outcome.stderr, /^stampede: host loadgen-1: runs stampede 0\.0\.1 \(agent protocol 1\), this coordinator is \S+ \(protocol 1\); install this build there with: stampede hosts install --hosts loadgen-1\n$/);
  await assertNoAgents();
});

fleet('3 × --instance-id + merge equal a one-process run in totals and device set; merge refuses a missing instance', async ({ kafka }) => {
  const common = ['--brokers', kafka!.bootstrap, '--devices', '900', '--records', '30000', '--partitions', '3'];
  const files: string[] = [];
  for (let id = 0; id < 3; id++) {
    const file = join(dir, `instance-${id}.json`);
    files.push(file);
    const outcome = await runCli(['run', ...common, '--workers', '2', '--topic', 'fleet-instances', '--instance-id', String(id), '--instances', '3', '--run-id', 'job-1', '--out', file]);
    assert.is(outcome.code, 0, outcome.stdout + outcome.stderr);
  }
  const single = join(dir, 'single.json');
  // 6 threads in one process: the same device ranges as 3 instances × 2 (so the same records per device).
  assert.is((await runCli(['run', ...common, '--workers', '6', '--topic', 'fleet-single', '--out', single])).code, 0);
  const merged = join(dir, 'merged.json');
  const merging = await runCli(['merge', ...files, '--out', merged]);
  assert.is(merging.code, 0, merging.stdout + merging.stderr);
  const result = readResult(merged);
  const one = readResult(single);
  assert.is(result.totals.sent, one.totals.sent);
  assert.is(result.totals.acked, one.totals.acked);
  assert.is(histogramCount(result.latency.produceAck.hdr), 30_000);
  assert.is(result.instance!.instances!.length, 3);
  const devicesOf = async (topic: string): Promise<string> => {
    const records = await readTopicWithKcat(kafka!.bootstrap, topic);
    const counts = new Map<string, number>();
    for (const record of records) counts.set(record.key, (counts.get(record.key) ?? 0) + 1);
    return JSON.stringify([...counts].sort(([a], [b]) => Number(a) - Number(b)));
  };
  const [fromInstances, fromOne] = [await devicesOf('fleet-instances'), await devicesOf('fleet-single')];
  assert.ok(fromInstances === fromOne, 'same devices, same records per device');
  const missing = await runCli(['merge', files[0]!, files[2]!]);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /^stampede: instance 1 of 3 missing \(run job-1\)\n$/);
  // Instance 1 of another job (same workload, another --run-id) does not complete job-1.
  const other = join(dir, 'instance-1-job-2.json');
  assert.is((await runCli(['run', ...common, '--workers', '2', '--topic', 'fleet-instances-2', '--instance-id', '1', '--instances', '3', '--run-id', 'job-2', '--out', other])).code, 0);
  const mixed = await runCli(['merge', files[0]!, other, files[2]!]);
  assert.is(mixed.code, 2);
  assert.match(mixed.stderr, /^stampede: \S*instance-1-job-2\.json is from run job-2, \S*instance-0\.json from run job-1: these files are not one run/);
});

fleet.run();
