import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCluster, startCluster, stopCluster, type LocalCluster } from '../../src/broker/cluster.js';
import { clusterStatus } from '../../src/broker/cluster-status.js';
import { portIsFree } from '../../src/broker/free-port.js';
import { withClusterAdmin } from '../../src/clients/admin.js';
import { resolveConnection } from '../../src/connection/config.js';
import { kafkaLibsDir } from '../../src/broker/kafka-jars.js';
import type { ClusterFaultEvent } from '../../src/contracts/faults.js';
import type { RunResult } from '../../src/contracts/result.js';
import { freePortPair } from '../helpers/broker.js';
import { runCli, type CliOutcome, type RunOptions } from '../helpers/cli.js';
import { fullIsr } from '../helpers/cluster.js';

/**
 * A real three-node KRaft cluster of its own (the faults kill, pause and restart its nodes, so it
 * cannot be the shared test broker), started once and reused by every test in order.
 */
const dir = mkdtempSync(join(tmpdir(), 'stampede-cluster-'));
const cluster = suite<{ cluster?: LocalCluster }>('cluster: three KRaft nodes under faults');
const kNodes = 3;

async function clusterPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freePortPair('127.0.0.11');
    const free = await Promise.all([12, 13].flatMap((last) => [portIsFree(port, `127.0.0.${last}`), portIsFree(port + 1, `127.0.0.${last}`)]));
    if (free.every(Boolean)) return port;
  }
  throw new Error('no port free on 127.0.0.11-13');
}

cluster.before(async (context) => {
  context.cluster = await startCluster({ nodes: kNodes, port: await clusterPort(), heapMb: 448, startTimeoutMs: 180_000 });
});

cluster.after(async (context) => {
  if (context.cluster) await stopCluster(context.cluster.port, true);
});

const topicName = (what: string): string => `cluster-${what}-${randomUUID().slice(0, 8)}`;

/** A fixed-rate --e2e run with idempotent acks=all producers and the given faults. */
async function faultRun(local: LocalCluster, topic: string, seconds: number, faults: string[], extra: string[] = [], interruptWhen?: RunOptions['interruptWhen']): Promise<{ outcome: CliOutcome; result: RunResult }> {
  const out = join(dir, `${topic}.json`);
  const args = ['run', '--brokers', local.bootstrap, '--topic', topic, '--partitions', '3', '--devices', '300', '--rate', '2000', '--duration', `${seconds}s`, '--e2e', '--drain', '30s', '--profile', 'exactly-once'];
  const outcome = await runCli([...args, ...faults.flatMap((fault) => ['--fault', fault]), ...extra, '--out', out], { timeoutMs: (seconds + 120) * 1000, ...(interruptWhen ? { interruptWhen } : {}) });
  return { outcome, result: JSON.parse(readFileSync(out, 'utf8')) as RunResult };
}

function assertFaultReported(result: RunResult, kind: string, stdout: string): ClusterFaultEvent {
  const event = (result.faults ?? []).find((candidate) => candidate.kind === kind) as ClusterFaultEvent | undefined;
  assert.ok(event, `${kind} in faults[]: ${JSON.stringify(result.faults)}`);
  assert.not.ok(event!.error, `${kind}: ${event!.error}`);
  assert.ok(event!.nodes.length > 0 && event!.pids.length > 0, JSON.stringify(event));
  assert.type(event!.endMs, 'number', `${kind} ended within the run: ${stdout}`);
  assert.ok(event!.endMs! >= event!.startMs);
  assert.ok(event!.before && event!.during, `${kind}: windows before and during`);
  assert.ok(event!.recoveryMs !== undefined, `${kind}: recovery judged`);
  assert.match(stdout, new RegExp(`^fault ${kind} on node`, 'm'));
  return event!;
}

/** Integrity exact, idempotent acks=all; exit 0 or 3 (an outage can make a fixed rate not valid), or as `codes` says. */
function assertIntact(outcome: CliOutcome, result: RunResult, codes: readonly number[] = [0, 3]): void {
  const integrity = result.integrity!;
  assert.is(integrity.lost, 0, `lost: ${outcome.stdout}`);
  assert.is(integrity.duplicates, 0, `duplicates: ${outcome.stdout}`);
  assert.is(result.librdkafka['acks'], 'all');
  assert.is(result.librdkafka['enable.idempotence'], 'true');
  assert.ok(outcome.code !== null && codes.includes(outcome.code), `exit ${outcome.code}: ${outcome.stderr}`);
}

cluster('cluster status --json names the same leaders, replicas and ISR as Kafka\'s own kafka-topics --describe', async ({ cluster: local }) => {
  const topic = topicName('describe');
  await withClusterAdmin(resolveConnection({ brokers: local!.bootstrap }), (admin) => admin.ensureTopic({ topic, partitions: 4 }));
  assert.ok(await fullIsr(local!, topic, 30_000));
  const status = await runCli(['cluster', 'status', '--port', String(local!.port), '--json']);
  assert.is(status.code, 0, status.stderr);
  const json = JSON.parse(status.stdout) as { bootstrap: string; activeController: number; nodes: { state: string }[]; topics: { name: string; partitions: { partition: number; leader: number; replicas: number[]; isr: number[] }[] }[] };
  assert.is(json.bootstrap, local!.bootstrap);
  assert.equal(json.nodes.map((node) => node.state), ['up', 'up', 'up']);
  assert.ok(json.activeController >= 1 && json.activeController <= kNodes);
  const ours = json.topics.find((candidate) => candidate.name === topic)!;
  const described = spawnSync('java', ['-cp', `${kafkaLibsDir()}/*`, 'org.apache.kafka.tools.TopicCommand', '--bootstrap-server', local!.bootstrap, '--describe', '--topic', topic], { encoding: 'utf8', timeout: 90_000 });
  assert.is(described.status, 0, described.stderr);
  const theirs = [...described.stdout.matchAll(/Partition: (\d+)\s+Leader: (\d+)\s+Replicas: ([\d,]+)\s+Isr: ([\d,]+)/g)].map((match) => ({
    partition: Number(match[1]),
    leader: Number(match[2]),
    replicas: match[3]!.split(',').map(Number),
    isr: match[4]!.split(',').map(Number),
  }));
  assert.is(theirs.length, 4, described.stdout);
  // ISR order is the broker's; compare it as a set.
  const sorted = (list: typeof theirs): typeof theirs => list.map((partition) => ({ ...partition, isr: [...partition.isr].sort() })).sort((a, b) => a.partition - b.partition);
  assert.equal(sorted(ours.partitions), sorted(theirs));
  assert.ok(theirs.every((partition) => partition.replicas.length === 3), 'replication factor 3 by default on three nodes');
  const text = await runCli(['cluster', 'status', '--port', String(local!.port)]);
  assert.match(text.stdout, new RegExp(`active controller: node ${json.activeController}`));
});

cluster('kill-leader, kill-controller and pause-node in one run: lost 0, duplicates 0, each fault window and recovery reported, ISR full again', async ({ cluster: local }) => {
  const topic = topicName('kills');
  const { outcome, result } = await faultRun(local!, topic, 27, ['kill-leader@3s:4s', 'kill-controller@11s:4s', 'pause-node=3@20s:3s']);
  assertIntact(outcome, result);
  const leader = assertFaultReported(result, 'kill-leader', outcome.stdout);
  assert.match(leader.target!, new RegExp(`^leader of ${topic}-\\d$`));
  assert.ok(leader.endMs! - leader.startMs >= 4000, 'restarted after its down time');
  assert.is(assertFaultReported(result, 'kill-controller', outcome.stdout).target, 'active controller');
  assert.equal(assertFaultReported(result, 'pause-node', outcome.stdout).nodes, [3]);
  const timeline = result.cluster!;
  assert.ok(timeline.samples.length >= 20, `polled every interval: ${timeline.samples.length}`);
  assert.ok(timeline.partitions.some((partition) => partition.leaderChanges > 0), 'the killed leader\'s partitions moved');
  assert.ok(timeline.samples.some((sample) => sample.underReplicated > 0), 'under-replicated partitions seen while a node was down');
  assert.ok(await fullIsr(local!, topic), 'the cluster is back to full ISR');
});

// Each node stops cleanly, starts and waits for its ISR to refill: 14 s a node on an idle 2-core
// host (of which ~4.5 s from the new JVM's spawn to its controller starting), 37–46 s when the
// other test shards load it. The
// run is long enough for three slow ones and is ended with Ctrl-C 5 s after the roll is done, as a
// user would: the result, its integrity verdict and the fault's windows are still written.
cluster('rolling-restart: lost 0, duplicates 0, every node restarted in turn with the ISR refilled before the next, ISR full again', async ({ cluster: local }) => {
  const topic = topicName('roll');
  const { outcome, result } = await faultRun(local!, topic, 180, ['rolling-restart@2s'], [], { stdout: /^fault: rolling restart done/m, afterMs: 5000 });
  assertIntact(outcome, result, [130]);
  assert.equal(assertFaultReported(result, 'rolling-restart', outcome.stdout).nodes, [1, 2, 3]);
  assert.ok(await fullIsr(local!, topic), 'the cluster is back to full ISR');
});

/**
 * The checker must see a loss: one partition on two nodes, the follower paused until it is fenced
 * and out of the ISR while the leader alone takes acks=1 writes, then the leader killed and the
 * stale follower elected (unclean). With acks=all and min.insync.replicas=2 the same sequence loses
 * nothing: no write was acknowledged by the leader alone.
 */
async function staleFollowerRun(local: LocalCluster, topic: string, producerArgs: string[], topicConfig: string[]): Promise<{ outcome: CliOutcome; result: RunResult; verify: CliOutcome }> {
  await withClusterAdmin(resolveConnection({ brokers: local.bootstrap }), (admin) =>
    admin.ensureTopic({ topic, partitions: 1, replicationFactor: 2, config: Object.fromEntries(['unclean.leader.election.enable=true', ...topicConfig].map((entry) => entry.split('='))) }),
  );
  assert.ok(await fullIsr(local, topic, 30_000));
  const placed = (await clusterStatus(local)).topics.find((candidate) => candidate.name === topic)!.partitions[0]!;
  const follower = placed.replicas.find((node) => node !== placed.leader)!;
  const out = join(dir, `${topic}.json`);
  const args = ['run', '--brokers', local.bootstrap, '--topic', topic, '--devices', '50', '--rate', '1000', '--duration', '24s', '--e2e', '--drain', '20s', '--backlog', '12MB'];
  const faults = [`pause-node=${follower}@2s:12s`, `kill-node=${placed.leader}@11s:6s`];
  const outcome = await runCli([...args, ...faults.flatMap((fault) => ['--fault', fault]), ...producerArgs, '--out', out], { timeoutMs: 180_000 });
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  const verify = await runCli(['verify', '--brokers', local.bootstrap, '--expect', out, '--timeout', '60s']);
  return { outcome, result, verify };
}

cluster('negative control: acks=1 and an unclean election of a stale follower lose acknowledged records; --e2e and verify --expect both say so (exit 4, exit 1)', async ({ cluster: local }) => {
  const { outcome, result, verify } = await staleFollowerRun(local!, topicName('unclean'), ['--producer-props', 'acks=1', '--producer-props', 'enable.idempotence=false'], []);
  assert.ok(result.totals.acked > 0);
  assert.ok(result.integrity!.lost > 0, `--e2e saw the loss: ${outcome.stdout}`);
  assert.is(outcome.code, 4, outcome.stdout);
  assert.match(verify.stdout, /✗ at least [\d,]+ acknowledged records are not on the topic/);
  assert.is(verify.code, 1, verify.stdout);
  assert.ok(await fullIsr(local!, result.topic!.name));
});

cluster('the same sequence with acks=all and min.insync.replicas=2 (idempotent): kill-node and pause-node lose nothing', async ({ cluster: local }) => {
  const { outcome, result, verify } = await staleFollowerRun(local!, topicName('clean'), ['--profile', 'exactly-once'], ['min.insync.replicas=2']);
  assertIntact(outcome, result);
  assertFaultReported(result, 'kill-node', outcome.stdout);
  assertFaultReported(result, 'pause-node', outcome.stdout);
  assert.match(verify.stdout, /✓ every (record sent is on the topic|missing record is one the producer saw fail)/);
  assert.ok(await fullIsr(local!, result.topic!.name));
});

cluster.run();
