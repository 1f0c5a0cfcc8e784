import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { networkControlFile, startCluster, stopCluster, type LocalCluster } from '../../src/broker/cluster.js';
import { clusterStatus } from '../../src/broker/cluster-status.js';
import { portIsFree } from '../../src/broker/free-port.js';
import { withClusterAdmin } from '../../src/clients/admin.js';
import { resolveConnection } from '../../src/connection/config.js';
import type { ClusterFaultEvent } from '../../src/contracts/faults.js';
import type { RunResult } from '../../src/contracts/result.js';
import { freePortPair } from '../helpers/broker.js';
import { runCli, type CliOutcome } from '../helpers/cli.js';
import { fullIsr } from '../helpers/cluster.js';

/**
 * A real three-node KRaft cluster of its own behind the network proxies (the faults delay and cut
 * off its nodes, so it cannot be the shared test broker), started once and reused by both tests.
 */
const dir = mkdtempSync(join(tmpdir(), 'stampede-cluster-proxy-'));
const proxied = suite<{ cluster?: LocalCluster }>('cluster --network proxy: delay-node and partition-node');
const kNodes = 3;

/** Six ports (a broker and a controller port per node) free on 127.0.0.1, where the proxies listen, and on every node's own address. */
async function clusterPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freePortPair('127.0.0.1');
    const hosts = ['127.0.0.1', '127.0.0.11', '127.0.0.12', '127.0.0.13'];
    const free = await Promise.all(hosts.flatMap((host) => Array.from({ length: 2 * kNodes }, (_, offset) => portIsFree(port + offset, host))));
    if (free.every(Boolean)) return port;
  }
  throw new Error('no six ports free on 127.0.0.1 and 127.0.0.11-13');
}

proxied.before(async (context) => {
  context.cluster = await startCluster({ nodes: kNodes, port: await clusterPort(), heapMb: 448, network: 'proxy', startTimeoutMs: 180_000 });
});

proxied.after(async (context) => {
  if (context.cluster) await stopCluster(context.cluster.port, true);
});

const topicName = (what: string): string => `proxy-${what}-${randomUUID().slice(0, 8)}`;

/** A new topic of replication factor 3, once it has its leaders and full ISR: which node leads each partition. */
async function newTopic(local: LocalCluster, topic: string, partitions: number): Promise<number[]> {
  await withClusterAdmin(resolveConnection({ brokers: local.bootstrap }), (admin) => admin.ensureTopic({ topic, partitions, replicationFactor: 3 }));
  assert.ok(await fullIsr(local, topic, 30_000), 'the new topic has its full ISR');
  return (await clusterStatus(local)).topics.find((candidate) => candidate.name === topic)!.partitions.map((partition) => partition.leader);
}

async function faultRun(local: LocalCluster, topic: string, args: string[]): Promise<{ outcome: CliOutcome; result: RunResult; event: ClusterFaultEvent | undefined }> {
  const out = join(dir, `${topic}.json`);
  const outcome = await runCli(['run', '--brokers', local.bootstrap, '--topic', topic, '--devices', '50', '--rate', '1000', ...args, '--out', out], { timeoutMs: 150_000 });
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  return { outcome, result, event: (result.faults ?? [])[0] as ClusterFaultEvent | undefined };
}

proxied('calibration: delay-node=<leader>=20ms raises the acks=1 produce→ack p50 of the fault window by 20 ms ± 10 % over the window before', async ({ cluster: local }) => {
  const status = await runCli(['cluster', 'status', '--port', String(local!.port)]);
  assert.match(status.stdout, /\(proxy network\)/);
  assert.ok(local!.bootstrap.split(',').every((address) => address.startsWith('127.0.0.1:')), `clients reach the proxies: ${local!.bootstrap}`);
  const topic = topicName('delay');
  const [leader] = await newTopic(local!, topic, 1);
  const { outcome, result, event } = await faultRun(local!, topic, ['--duration', '18s', '--fault', `delay-node=${leader!}@8s:8s=20ms`, '--profile', 'latency', '--producer-props', 'linger.ms=5']);
  assert.ok(outcome.code === 0 || outcome.code === 3, `exit ${outcome.code}: ${outcome.stderr}`);
  // acks=1 (followers do not matter); linger.ms=5: few requests a second, so the broker does not queue
  // them on a loaded host, and a batch waits no longer than that to fill. The fault starts at 8 s so
  // the window before it (five intervals) is past the run's first, slower second.
  assert.is(result.librdkafka['acks'], '1');
  assert.ok(event && event.kind === 'delay-node' && !event.error, JSON.stringify(result.faults));
  assert.equal(event!.nodes, [leader]);
  assert.ok(event!.endMs! - event!.startMs >= 8000, `healed after its length: ${JSON.stringify(event)}`);
  const beforeMs = event!.before!.p50Us / 1000;
  const duringMs = event!.during!.p50Us / 1000;
  console.log(`calibration: produce→ack p50 before ${beforeMs.toFixed(2)} ms, during the 20 ms delay ${duringMs.toFixed(2)} ms, added ${(duringMs - beforeMs).toFixed(2)} ms`);
  assert.ok(Math.abs(duringMs - beforeMs - 20) <= 2, `added ${(duringMs - beforeMs).toFixed(2)} ms, want 20 ± 2`);
});

// Three partitions of replication factor 3 on three nodes: each node leads one and follows the two
// others, so the node cut off is a leader and a follower at once. Not the active controller: cutting
// that off makes the quorum elect another first, a different fault.
proxied('delay-node, then partition-node on a node leading one partition and following two, under idempotent acks=all --e2e: lost 0, duplicates 0, windows and recovery reported, ISR full again', async ({ cluster: local }) => {
  const topic = topicName('cut');
  const leaders = await newTopic(local!, topic, 3);
  const controller = (await clusterStatus(local!)).activeController;
  const led = leaders.findIndex((node) => node !== controller);
  const cut = leaders[led]!;
  const slowed = leaders.find((node) => node !== cut)!;
  const { outcome, result } = await faultRun(local!, topic, ['--duration', '22s', '--e2e', '--drain', '30s', '--profile', 'exactly-once', '--fault', `delay-node=${slowed}@2s:3s=20ms`, '--fault', `partition-node=${cut}@7s:10s`]);
  assert.is(result.integrity!.lost, 0, `lost: ${outcome.stdout}`);
  assert.is(result.integrity!.duplicates, 0, `duplicates: ${outcome.stdout}`);
  assert.is(result.librdkafka['acks'], 'all');
  assert.is(result.librdkafka['enable.idempotence'], 'true');
  assert.ok(outcome.code === 0 || outcome.code === 3, `exit ${outcome.code}: ${outcome.stderr}`);
  const [delay, partition] = (result.faults ?? []) as ClusterFaultEvent[];
  for (const [event, kind, node, lengthMs] of [[delay, 'delay-node', slowed, 3000], [partition, 'partition-node', cut, 10_000]] as const) {
    assert.ok(event && event.kind === kind && !event.error, JSON.stringify(result.faults));
    assert.equal(event.nodes, [node]);
    assert.ok(event.endMs! - event.startMs >= lengthMs, `${kind} healed after its length: ${JSON.stringify(event)}`);
    assert.ok(event.before && event.during, `${kind}: windows before and during`);
    assert.ok(event.recoveryMs !== undefined, `${kind}: recovery judged`);
    // The native client tells failures by error name: each window says which (none here: idempotent records wait the fault out).
    assert.type(event.during!.errorsByCode, 'object', `${kind}: failures by error name in the window`);
    assert.match(outcome.stdout, new RegExp(`^fault ${kind} on node ${node}`, 'm'));
  }
  // The fault hit a leader: its partition's acks stopped (a third of the keyed records) while it was
  // cut off. Judged on the intervals wholly inside the cut: the `during` window also holds the
  // interval of the heal, where the waiting third is acked at once and can lift its mean back up.
  const inside = result.intervals.filter((row) => row.elapsedMs - 1000 >= partition!.startMs && row.elapsedMs <= partition!.endMs!);
  const insideRate = inside.reduce((sum, row) => sum + row.recordsPerSec, 0) / Math.max(1, inside.length);
  assert.ok(inside.length >= 5 && insideRate < 0.9 * partition!.before!.recordsPerSec, `the cut-off leader's records waited: ${insideRate.toFixed(0)} rec/s inside the cut over ${inside.length} intervals, ${partition!.before!.recordsPerSec} before; ${JSON.stringify(partition)}`);
  assert.ok(result.cluster!.partitions[led]!.leaderlessMs > 0, `${topic}-${led} without a reachable leader: ${JSON.stringify(result.cluster!.partitions)}`);
  assert.ok(await fullIsr(local!, topic), 'the cluster is back to full ISR');
});

proxied('a proxy process that died is named by cluster status (exit 3) and started again by cluster up; cluster down stops the nodes and the proxies', async ({ cluster: local }) => {
  const port = String(local!.port);
  const dead = JSON.parse(readFileSync(networkControlFile(local!.dir), 'utf8')) as { pid: number };
  process.kill(dead.pid, 'SIGKILL');
  await waitForExit(dead.pid);
  const status = await runCli(['cluster', 'status', '--port', port]);
  assert.is(status.code, 3, status.stdout);
  assert.match(status.stdout, new RegExp(`^network proxies down: the proxy process \\(pid ${dead.pid}\\) is gone; clients cannot reach the nodes`, 'm'));
  const up = await runCli(['cluster', 'up', '--port', port, '--network', 'proxy']);
  assert.is(up.code, 0, up.stderr);
  assert.match(up.stdout, /network proxies down \(.*\): starting them again in front of the running nodes/);
  assert.match(up.stdout, /cluster already up/);
  const control = JSON.parse(readFileSync(networkControlFile(local!.dir), 'utf8')) as { pid: number };
  assert.is.not(control.pid, dead.pid);
  const again = await runCli(['cluster', 'status', '--port', port, '--json']);
  assert.is(again.code, 0, again.stdout);
  assert.equal((JSON.parse(again.stdout) as { proxies: unknown }).proxies, { state: 'up', pid: control.pid });
  const down = await runCli(['cluster', 'down', '--port', port]);
  assert.is(down.code, 0, down.stderr);
  assert.throws(() => process.kill(control.pid, 0), 'the proxy process is gone');
  assert.not.ok(existsSync(networkControlFile(local!.dir)));
});

async function waitForExit(pid: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

proxied.run();
