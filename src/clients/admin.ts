import { setTimeout as sleep } from 'node:timers/promises';
import { describeLogin, type Connection } from '../connection/config.js';
import { redactText } from '../connection/redact.js';
import { StampedeError } from '../errors.js';
import { loadNative, type ClusterInfo, type NativeAdmin } from '../native/load.js';

/** How long the coordinator waits for the cluster before naming what is wrong. */
export const kAdminTimeoutMs = 10_000;
const kLeaderPollMs = 100;

/**
 * The coordinator's view of the cluster, through librdkafka's admin client with the run's
 * connection settings: reachability, topics. Every failure becomes one line for the user that
 * names the broker and the cause (unreachable, TLS, login, authorization), never a secret.
 */
export class ClusterAdmin {
  private readonly native: NativeAdmin;

  constructor(private readonly connection: Connection) {
    try {
      this.native = new (loadNative().NativeAdmin)({ ...connection.settings });
    } catch (err) {
      if (err instanceof StampedeError) throw err;
      throw creationError((err as Error).message, connection);
    }
  }

  /** Resolves once a broker answers; rejects with the cause when none does within timeoutMs. */
  async connect(timeoutMs = kAdminTimeoutMs): Promise<ClusterInfo> {
    return this.call('reach the cluster', timeoutMs, () => this.native.connect(timeoutMs));
  }

  /** The topic's partition count, or null when the cluster does not know it. */
  async topicPartitions(topic: string, timeoutMs = kAdminTimeoutMs): Promise<number | null> {
    const state = await this.call(`describe topic ${topic}`, timeoutMs, () => this.native.describeTopic(topic, timeoutMs));
    return state.exists ? state.partitions : null;
  }

  /** Creates the topic unless it exists, then waits until every partition has a leader. */
  async ensureTopic(options: { topic: string; partitions: number; replicationFactor?: number; config?: Readonly<Record<string, string>>; timeoutMs?: number }): Promise<{ created: boolean; partitions: number }> {
    const { topic, partitions } = options;
    const timeoutMs = options.timeoutMs ?? kAdminTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    const left = (): number => Math.max(1, deadline - Date.now());
    let state = await this.call(`describe topic ${topic}`, timeoutMs, () => this.native.describeTopic(topic, timeoutMs));
    let created = false;
    if (!state.exists) {
      created = await this.call(`create topic ${topic}`, timeoutMs, () => this.native.createTopic(topic, partitions, options.replicationFactor ?? -1, { ...options.config }, left()));
      state = { exists: false, partitions: 0, leaderless: 1 };
    }
    while (!state.exists || state.leaderless > 0 || state.partitions === 0) {
      if (Date.now() >= deadline) {
        throw new StampedeError('E_KAFKA', `topic ${topic} has partitions without a leader after ${Math.round(timeoutMs / 1000)} s on ${this.connection.brokers}`);
      }
      await sleep(kLeaderPollMs);
      state = await this.call(`describe topic ${topic}`, timeoutMs, () => this.native.describeTopic(topic, left()));
    }
    return { created, partitions: state.partitions };
  }

  /** Deletes topics; ones already gone are not an error. */
  async deleteTopics(topics: string[], timeoutMs = kAdminTimeoutMs): Promise<void> {
    if (topics.length === 0) return;
    await this.call(`delete topics ${topics.join(', ')}`, timeoutMs, () => this.native.deleteTopics(topics, timeoutMs));
  }

  close(): void {
    this.native.close();
  }

  private async call<T>(action: string, timeoutMs: number, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw adminError((err as Error).message ?? String(err), action, timeoutMs, this.connection);
    }
  }
}

/** Opens an admin client for one use and closes it, whatever happens. */
export async function withClusterAdmin<T>(connection: Connection, use: (admin: ClusterAdmin) => Promise<T>): Promise<T> {
  const admin = new ClusterAdmin(connection);
  try {
    return await use(admin);
  } finally {
    admin.close();
  }
}

/**
 * The native admin's rejections read `<kind>: <librdkafka's reason>`; this words them for a person:
 * which broker, what failed, and what to check.
 */
export function adminError(message: string, action: string, timeoutMs: number, connection: Connection): StampedeError {
  const match = /^(unreachable|tls|auth|authorization|kafka): ([\s\S]*)$/.exec(message);
  const kind = match?.[1] ?? 'kafka';
  // Log lines may start with librdkafka's thread name: "[thrd:127.0.0.1:1/bootstrap]: ".
  const reason = redactText(oneLine(match?.[2] ?? message)).replace(/^\[thrd:[^\]]*\]:\s*/, '');
  // librdkafka prefixes connection errors with the broker: "sasl_ssl://127.0.0.1:9393/bootstrap: …".
  const named = /^(?:[a-z_]+:\/\/)?([^\s/]+:\d+)(?:\/[\w-]+)?: ([\s\S]*)$/i.exec(reason);
  const broker = named?.[1] ?? connection.brokers;
  const detail = stripState(named?.[2] ?? reason);
  const login = describeLogin(connection.settings);
  switch (kind) {
    case 'unreachable':
      return new StampedeError('E_BROKER_UNREACHABLE', `cannot reach Kafka at ${connection.brokers} within ${Math.round(timeoutMs / 1000)} s (${detail}) — is a broker running there, and does security.protocol (${login}) match its listener?`);
    case 'tls':
      return new StampedeError('E_TLS', `TLS handshake with ${broker} failed: ${tlsCause(detail, connection.settings)} (${detail})`);
    case 'auth':
      return new StampedeError('E_AUTH', `authentication failed at ${broker}: ${login} was rejected — check sasl.mechanism, sasl.username and sasl.password (${detail})`);
    case 'authorization':
      return new StampedeError('E_AUTHORIZATION', `not authorized: ${login} may not ${action} on ${connection.brokers} (${detail}) — ask for the ACL, or use a topic that exists`);
    default: {
      const hint = /InvalidConfig|Configuration is invalid/.test(detail) ? ' — check the --topic-config settings' : /InvalidReplicationFactor/.test(detail) ? ' — --replication-factor is more than the cluster has brokers' : '';
      return new StampedeError('E_KAFKA', `could not ${action} on ${connection.brokers}: ${detail}${hint}`);
    }
  }
}

/**
 * librdkafka refuses to create a client when a setting is wrong or a file it names cannot be used:
 * "property X=Y rejected: …", "ssl.key.location failed: …PEM lib". Say which and what to check.
 */
export function creationError(message: string, connection: Connection): StampedeError {
  const text = redactText(oneLine(message)).replace(/^librdkafka could not create the admin client: (Client creation error: )?/, '');
  const file = /^(ssl\.[\w.]+\.location) failed: (.*)$/.exec(text);
  if (file) {
    const [, key, reason] = file as unknown as [string, string, string];
    const path = connection.settings[key];
    const hint = key === 'ssl.key.location' ? 'a PEM private key, and ssl.key.password its passphrase if it is encrypted' : key === 'ssl.ca.location' ? 'a PEM file of CA certificates (or a directory of them)' : 'a PEM file';
    return new StampedeError('E_CLIENT', `cannot use ${key}=${path ?? '?'}: librdkafka could not read it (${reason}) — it must be ${hint}`);
  }
  return new StampedeError('E_CLIENT', `connection settings rejected: ${text}`);
}

function tlsCause(detail: string, settings: Readonly<Record<string, string>>): string {
  const lower = detail.toLowerCase();
  if (lower.includes('hostname mismatch') || lower.includes('host name mismatch') || lower.includes('ip address mismatch')) {
    return 'hostname mismatch: the broker\'s certificate does not name the host connected to (fix the certificate, or ssl.endpoint.identification.algorithm=none to skip the check)';
  }
  if (lower.includes('expired')) return 'the certificate has expired';
  if (lower.includes('certificate verify failed') || lower.includes('could not be verified') || lower.includes('self-signed') || lower.includes('unable to get local issuer')) {
    const ca = settings['ssl.ca.location'];
    return `untrusted certificate: the broker's certificate is not signed by ${ca === undefined ? 'a CA this host trusts (set ssl.ca.location to its CA, PEM)' : `the CA in ssl.ca.location=${ca}`}`;
  }
  if (lower.includes('wrong version number') || lower.includes('packet length too long')) return 'the listener does not speak TLS (check security.protocol and the port)';
  if (lower.includes('alert') && lower.includes('certificate')) return 'the broker refused this client\'s certificate (ssl.certificate.location / ssl.key.location)';
  return 'see the reason';
}

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();
/** librdkafka appends "(after 4ms in state SSL_HANDSHAKE)": noise for a user. */
const stripState = (text: string): string => text.replace(/\s*\(after \d+ms in state \w+\)/g, '').replace(/\s*\(\d+ identical error\(s\) suppressed\)/g, '');
