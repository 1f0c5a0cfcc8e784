import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { networkControlFile, startCluster, stopCluster, type LocalCluster } from '../../src/broker/cluster.js';
import { clusterStatus } from '../../src/broker/cluster-status.js';
import { portIsFree } from '../../src/broker/free-port.js';
import { withClusterAdmin } from '../../src/clients/admin.js';
import { resolveConnection } from '../../src/connection/config.js';
import type { ClusterFaultEvent } from '../../src/contracts/faults.js';
import type { RunResult } from '../../src/contracts/result.js';
import { freePortPair } from '../helpers/broker.js';
import { runCli, type CliOutcome } from '../helpers/cli.js';

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

/** The one partition of a new topic, once it has its leader and full ISR: which node leads it, which follow. */
async function onePartition(local: LocalCluster, topic: string, replicationFactor: number): Promise<{ leader: number; followers: number[] }> {
  await withClusterAdmin(resolveConnection({ brokers: local.bootstrap }), (admin) => admin.ensureTopic({ topic, partitions: 1, replicationFactor }));
  assert.ok(await fullIsr(local, topic, 30_000), 'the new topic has its full ISR');
  const placed = (await clusterStatus(local)).topics.find((candidate) => candidate.name === topic)!.partitions[0]!;
  return { leader: placed.leader, followers: placed.replicas.filter((node) => node !== placed.leader) };
}

async function fullIsr(local: LocalCluster, topic: string, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await clusterStatus(local);
    const found = status.topics.find((candidate) => candidate.name === topic);
    if (status.nodes.every((node) => node.state === 'up') && found && found.partitions.every((partition) => partition.leader >= 0 && partition.isr.length === partition.replicas.length)) return true;
    await sleep(1000);
  }
  return false;
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
  const { leader } = await onePartition(local!, topic, 3);
  const { outcome, result, event } = await faultRun(local!, topic, ['--duration', '18s', '--fault', `delay-node=${leader}@8s:8s=20ms`, '--profile', 'latency', '--producer-props', 'linger.ms=5']);
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

proxied('partition-node on a follower under idempotent acks=all --e2e: lost 0, duplicates 0, the window and recovery reported, ISR full again', async ({ cluster: local }) => {
  const topic = topicName('cut');
  const { followers } = await onePartition(local!, topic, 3);
  const cut = followers[0]!;
  const { outcome, result, event } = await faultRun(local!, topic, ['--duration', '16s', '--e2e', '--drain', '30s', '--profile', 'exactly-once', '--fault', `partition-node=${cut}@3s:8s`]);
  assert.is(result.integrity!.lost, 0, `lost: ${outcome.stdout}`);
  assert.is(result.integrity!.duplicates, 0, `duplicates: ${outcome.stdout}`);
  assert.is(result.librdkafka['acks'], 'all');
  assert.ok(outcome.code === 0 || outcome.code === 3, `exit ${outcome.code}: ${outcome.stderr}`);
  assert.ok(event && event.kind === 'partition-node' && !event.error, JSON.stringify(result.faults));
  assert.equal(event!.nodes, [cut]);
  assert.ok(event!.endMs! - event!.startMs >= 8000, `healed after its length: ${JSON.stringify(event)}`);
  assert.ok(event!.before && event!.during, 'windows before and during');
  assert.ok(event!.recoveryMs !== undefined, 'recovery judged');
  assert.match(outcome.stdout, /^fault partition-node on node/m);
  assert.ok(await fullIsr(local!, topic), 'the cluster is back to full ISR');
});

proxied('cluster down stops the nodes and the proxies', async ({ cluster: local }) => {
  const control = JSON.parse(readFileSync(networkControlFile(local!.dir), 'utf8')) as { pid: number };
  const down = await runCli(['cluster', 'down', '--port', String(local!.port)]);
  assert.is(down.code, 0, down.stderr);
  assert.throws(() => process.kill(control.pid, 0), 'the proxy process is gone');
  assert.not.ok(existsSync(networkControlFile(local!.dir)));
});

proxied.run();
