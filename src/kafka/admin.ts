/**
 * The coordinator's admin client: cluster metadata and topic creation over the plain Kafka protocol.
 * node-rdkafka is not context-aware and may be loaded by only one thread per process, and that
 * thread is a worker's, so the coordinator talks to the broker through this instead.
 */
import { StampedeError, optionError } from '../errors.js';
import { ApiKey, BrokerIOError, Connection, Reader, Writer, formatAddress, type BrokerAddress } from './protocol.js';

export type { BrokerAddress } from './protocol.js';

export interface ClusterMetadata {
  clusterId: string | null;
  controllerId: number;
  brokers: { nodeId: number; host: string; port: number }[];
  topics: TopicMetadata[];
}

export interface TopicMetadata {
  name: string;
  errorCode: number;
  partitions: { partition: number; leader: number; errorCode: number }[];
}

// Kafka 4.0 dropped Metadata v0–v3 and CreateTopics v0–v1 (KIP-896). Metadata v7 (Kafka 2.1+) and
// CreateTopics v4 (2.4+) are non-flexible, so no tagged fields or compact encodings; v4 is also the
// first CreateTopics to take replication factor -1 as "the broker's default".
const METADATA_VERSION = 7;
const CREATE_TOPICS_VERSION = 4;
const DELETE_TOPICS_VERSION = 3;
const DEFAULT_CLIENT_ID = 'stampede-admin';
const LEADER_POLL_MS = 100;

const UNKNOWN_TOPIC_OR_PARTITION = 3;
const LEADER_NOT_AVAILABLE = 5;
const TOPIC_ALREADY_EXISTS = 36;

const ERROR_NAMES: Record<number, string> = {
  [-1]: 'UNKNOWN_SERVER_ERROR',
  3: 'UNKNOWN_TOPIC_OR_PARTITION',
  5: 'LEADER_NOT_AVAILABLE',
  6: 'NOT_LEADER_OR_FOLLOWER',
  7: 'REQUEST_TIMED_OUT',
  8: 'BROKER_NOT_AVAILABLE',
  17: 'INVALID_TOPIC_EXCEPTION',
  19: 'NOT_ENOUGH_REPLICAS',
  29: 'TOPIC_AUTHORIZATION_FAILED',
  31: 'CLUSTER_AUTHORIZATION_FAILED',
  35: 'UNSUPPORTED_VERSION',
  36: 'TOPIC_ALREADY_EXISTS',
  37: 'INVALID_PARTITIONS',
  38: 'INVALID_REPLICATION_FACTOR',
  39: 'INVALID_REPLICA_ASSIGNMENT',
  40: 'INVALID_CONFIG',
  41: 'NOT_CONTROLLER',
  42: 'INVALID_REQUEST',
  44: 'POLICY_VIOLATION',
  89: 'THROTTLING_QUOTA_EXCEEDED',
};

export const errorName = (code: number): string => ERROR_NAMES[code] ?? `error ${code}`;

const BROKERS_FORMAT = 'host:port[,host:port…]';

/** Parses a bootstrap list: `host:port,host:port`, with `[::1]:9092` for IPv6 literals. */
export function parseBrokers(list: string): BrokerAddress[] {
  if (list.trim() === '') throw optionError('brokers', BROKERS_FORMAT, list);
  return list.split(',').map((raw) => {
    const entry = raw.trim();
    const match = /^\[([0-9A-Fa-f:.]+(?:%[\w.-]+)?)\]:(\d{1,5})$/.exec(entry) ?? /^([\w.-]+):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match?.[1] || port < 1 || port > 65535) throw optionError('brokers', BROKERS_FORMAT, entry === '' ? list : entry);
    return { host: match[1], port };
  });
}

export async function fetchMetadata(
  brokers: BrokerAddress[],
  opts: { timeoutMs: number; clientId?: string; topics?: string[] },
): Promise<ClusterMetadata> {
  return withBroker(brokers, opts.timeoutMs, opts.clientId, (conn, deadline) =>
    requestMetadata(conn, opts.topics ?? null, deadline),
  );
}

/** Creates the topic unless it exists, then waits until every partition has a leader. */
export async function ensureTopic(
  brokers: BrokerAddress[],
  opts: { topic: string; partitions: number; replicationFactor?: number; timeoutMs: number; clientId?: string },
): Promise<{ created: boolean; partitions: number }> {
  const { topic, partitions, replicationFactor = -1 } = opts;
  if (!Number.isInteger(partitions) || (partitions < 1 && partitions !== -1)) {
    throw optionError('partitions', 'a positive integer or -1 for the broker default', partitions);
  }
  if (!Number.isInteger(replicationFactor) || (replicationFactor < 1 && replicationFactor !== -1) || replicationFactor > 0x7fff) {
    throw optionError('replicationFactor', 'a positive integer or -1 for the broker default', replicationFactor);
  }
  return withBroker(brokers, opts.timeoutMs, opts.clientId, async (conn, deadline) => {
    const existing = findTopic(await requestMetadata(conn, [topic], deadline), topic);
    let created = false;
    if (existing.errorCode === 0 && allLed(existing)) return { created, partitions: existing.partitions.length };
    if (existing.errorCode === UNKNOWN_TOPIC_OR_PARTITION) {
      created = await createTopic(conn, topic, partitions, replicationFactor, deadline);
    } else if (existing.errorCode !== 0 && existing.errorCode !== LEADER_NOT_AVAILABLE) {
      throw kafkaError(`reading metadata of topic "${topic}" failed`, existing.errorCode, null);
    }
    return { created, partitions: await waitForLeaders(conn, topic, deadline) };
  });
}

/**
 * Runs `use` on the first bootstrap broker that answers. An unresponsive broker gets only its share of
 * the remaining time, so the ones after it are still tried.
 */
/**
 * Deletes topics (DeleteTopics v3: the last non-flexible version); a topic that is already gone is
 * not an error. Benchmarks use it so repeated runs do not fill the disk.
 */
export async function deleteTopics(brokers: BrokerAddress[], opts: { topics: string[]; timeoutMs: number; clientId?: string }): Promise<void> {
  if (opts.topics.length === 0) return;
  await withBroker(brokers, opts.timeoutMs, opts.clientId, async (conn, deadline) => {
    conn.requireVersion(ApiKey.DeleteTopics, 'DeleteTopics', DELETE_TOPICS_VERSION);
    const brokerTimeoutMs = Math.max(1, Math.floor((deadline - Date.now()) * 0.9));
    const body = new Writer().array(opts.topics, (w, name) => w.string(name)).int32(brokerTimeoutMs).toBuffer();
    const r = await conn.request(ApiKey.DeleteTopics, DELETE_TOPICS_VERSION, body, deadline);
    r.int32(); // throttle_time_ms
    const results = r.array((t) => ({ name: t.string(), errorCode: t.int16() }));
    const failed = results.find((t) => t.errorCode !== 0 && t.errorCode !== UNKNOWN_TOPIC_OR_PARTITION);
    if (failed) throw kafkaError(`deleting topic "${failed.name}" failed`, failed.errorCode, null);
  });
}

async function withBroker<T>(
  brokers: BrokerAddress[],
  timeoutMs: number,
  clientId: string | undefined,
  use: (conn: Connection, deadline: number) => Promise<T>,
): Promise<T> {
  if (brokers.length === 0) throw optionError('brokers', BROKERS_FORMAT, '');
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw optionError('timeoutMs', 'a positive number', timeoutMs);
  const deadline = Date.now() + timeoutMs;
  const failures: { address: string; reason: string }[] = [];
  for (const [i, address] of brokers.entries()) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      failures.push({ address: formatAddress(address), reason: 'not tried, out of time' });
      continue;
    }
    let conn: Connection | undefined;
    try {
      conn = await Connection.open(address, clientId ?? DEFAULT_CLIENT_ID, Date.now() + remaining / (brokers.length - i));
      return await use(conn, deadline);
    } catch (err) {
      if (!(err instanceof BrokerIOError)) throw err;
      failures.push({ address: formatAddress(address), reason: err.reason });
    } finally {
      conn?.close();
    }
  }
  throw unreachable(failures, timeoutMs);
}

function unreachable(failures: { address: string; reason: string }[], timeoutMs: number): StampedeError {
  const within = `within ${timeoutMs < 1000 ? `${Math.round(timeoutMs)} ms` : `${Number((timeoutMs / 1000).toFixed(1))} s`}`;
  const [only] = failures;
  const where =
    failures.length === 1 && only
      ? `at ${only.address} ${within} (${only.reason})`
      : `${within}: ${failures.map((f) => `${f.address} (${f.reason})`).join(', ')}`;
  return new StampedeError(
    'E_BROKER_UNREACHABLE',
    `cannot reach Kafka ${where} — is a broker running there? \`make broker-up\` (or \`stampede broker up\`) starts a local one`,
  );
}

async function requestMetadata(conn: Connection, topics: string[] | null, deadline: number): Promise<ClusterMetadata> {
  conn.requireVersion(ApiKey.Metadata, 'Metadata', METADATA_VERSION);
  const body = new Writer()
    .array(topics, (w, name) => w.string(name))
    .bool(false) // allow_auto_topic_creation: creating is ensureTopic's job, with the asked partition count
    .toBuffer();
  const r = await conn.request(ApiKey.Metadata, METADATA_VERSION, body, deadline);
  r.int32(); // throttle_time_ms
  const brokers = r.array((b) => {
    const nodeId = b.int32();
    const host = b.string();
    const port = b.int32();
    b.nullableString(); // rack
    return { nodeId, host, port };
  });
  const clusterId = r.nullableString();
  const controllerId = r.int32();
  const topicList = r.array((t) => {
    const errorCode = t.int16();
    const name = t.string();
    t.bool(); // is_internal
    const partitions = t.array(readPartition).sort((a, b) => a.partition - b.partition);
    return { name, errorCode, partitions };
  });
  return { clusterId, controllerId, brokers, topics: topicList };
}

function readPartition(p: Reader): TopicMetadata['partitions'][number] {
  const errorCode = p.int16();
  const partition = p.int32();
  const leader = p.int32();
  p.int32(); // leader_epoch
  for (let i = 0; i < 3; i++) p.array((n) => n.int32()); // replica, ISR and offline-replica node ids
  return { partition, leader, errorCode };
}

/** Returns true when this call created the topic, false when someone else got there first. */
async function createTopic(
  conn: Connection,
  topic: string,
  partitions: number,
  replicationFactor: number,
  deadline: number,
): Promise<boolean> {
  conn.requireVersion(ApiKey.CreateTopics, 'CreateTopics', CREATE_TOPICS_VERSION);
  // The broker's own timeout ends a little before ours, so a slow creation reports REQUEST_TIMED_OUT.
  const brokerTimeoutMs = Math.max(1, Math.floor((deadline - Date.now()) * 0.9));
  const body = new Writer()
    .array([topic], (w, name) =>
      w
        .string(name)
        .int32(partitions)
        .int16(replicationFactor)
        .array([], () => {}) // assignments: let the controller place replicas
        .array([], () => {}), // configs
    )
    .int32(brokerTimeoutMs)
    .bool(false) // validate_only
    .toBuffer();
  const r = await conn.request(ApiKey.CreateTopics, CREATE_TOPICS_VERSION, body, deadline);
  r.int32(); // throttle_time_ms
  const results = r.array((t) => {
    const name = t.string();
    const errorCode = t.int16();
    const message = t.nullableString();
    return { name, errorCode, message };
  });
  const result = results.find((t) => t.name === topic);
  if (!result) throw new StampedeError('E_KAFKA', `creating topic "${topic}" failed: the broker's answer did not mention it`);
  if (result.errorCode === 0) return true;
  if (result.errorCode === TOPIC_ALREADY_EXISTS) return false;
  throw kafkaError(`creating topic "${topic}" failed`, result.errorCode, result.message);
}

async function waitForLeaders(conn: Connection, topic: string, deadline: number): Promise<number> {
  for (;;) {
    const t = findTopic(await requestMetadata(conn, [topic], deadline), topic);
    if (t.errorCode === 0 && allLed(t)) return t.partitions.length;
    if (t.errorCode !== 0 && t.errorCode !== UNKNOWN_TOPIC_OR_PARTITION && t.errorCode !== LEADER_NOT_AVAILABLE) {
      throw kafkaError(`reading metadata of topic "${topic}" failed`, t.errorCode, null);
    }
    if (Date.now() + LEADER_POLL_MS >= deadline) {
      const state =
        t.errorCode === 0
          ? `${t.partitions.filter((p) => p.leader >= 0).length} of ${t.partitions.length} partitions have a leader`
          : errorName(t.errorCode);
      throw new StampedeError('E_KAFKA', `topic "${topic}" was not ready before the deadline (${state})`);
    }
    await new Promise((resolve) => setTimeout(resolve, LEADER_POLL_MS));
  }
}

function findTopic(metadata: ClusterMetadata, topic: string): TopicMetadata {
  return metadata.topics.find((t) => t.name === topic) ?? { name: topic, errorCode: UNKNOWN_TOPIC_OR_PARTITION, partitions: [] };
}

const allLed = (t: TopicMetadata): boolean => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0);

function kafkaError(what: string, code: number, brokerMessage: string | null): StampedeError {
  return new StampedeError('E_KAFKA', `${what}: ${errorName(code)}${brokerMessage ? ` (${brokerMessage})` : ''}`);
}
