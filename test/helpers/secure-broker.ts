import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalBroker, stopLocalBroker } from '../../src/broker/local.js';
import { freePort } from './broker.js';
import { makeTestCertificates, type TestCertificates } from './certs.js';

/**
 * A real single-node Kafka broker that only a correctly configured client reaches:
 *   PLAINTEXT  readiness, controller and inter-broker traffic (principal User:ANONYMOUS)
 *   SASL_SSL   SCRAM-SHA-512 (users made when the storage is formatted), PLAIN (users in the
 *              listener's JAAS config) and OAUTHBEARER (Kafka's unsecured JWT validator: any
 *              principal a client names), server-authenticated TLS
 *   SSL        mutual TLS: ssl.client.auth=required, principal User:CN=<client certificate CN>
 * with StandardAuthorizer: alice, carol, the OAUTHBEARER principal dave, the mTLS client and
 * ANONYMOUS are super users; bob (and any other OAUTHBEARER principal) has no ACLs, so everything he
 * asks for beyond authenticating is denied. Passwords are random per broker.
 *
 * Each user has one mechanism only, so a login that works proves the mechanism it used: alice and
 * bob are SCRAM users with no PLAIN login, carol is a PLAIN user with no SCRAM credential.
 */
export interface SecureUser {
  name: string;
  password: string;
}

/** librdkafka property names; Java clients accept the same except for the ssl.* file settings. */
export type ClientProperties = Record<string, string>;

export interface SecureTestBroker {
  bootstrap: { plaintext: string; saslSsl: string; ssl: string };
  certs: TestCertificates;
  /** alice, bob: SCRAM-SHA-512 only; carol: PLAIN only. */
  users: { alice: SecureUser; bob: SecureUser; carol: SecureUser };
  /** The OAUTHBEARER principal that is a super user. */
  oauthSuperUser: string;
  /** SASL_SSL + SCRAM-SHA-512 as `user` (default alice), trusting the test CA. */
  scramProperties(user?: SecureUser): ClientProperties;
  /** SASL_SSL + PLAIN as `user` (default carol): the managed-cloud style, and what Debian's kcat can do. */
  plainProperties(user?: SecureUser): ClientProperties;
  /** SASL_SSL + OAUTHBEARER with librdkafka's unsecured JWT for `principal` (default the super user). */
  oauthProperties(principal?: string): ClientProperties;
  /** SSL with a client certificate (mutual TLS), encrypted key. */
  mtlsProperties(): ClientProperties;
  /** Writes properties as a `.properties` file (readable by the owner only) and returns its path. */
  writeProperties(path: string, properties: ClientProperties): string;
  /** Broker start time, format included (for the report; the suite's budget). */
  startMs: number;
  stop(): Promise<void>;
}

// Hex only: nothing in it needs escaping in JAAS quotes, .properties files or StorageTool's syntax,
// and the prefix makes a leaked secret easy to spot in a failure message.
const newPassword = (who: string): string => `${who}-pw-${randomBytes(12).toString('hex')}`;

export async function startSecureTestBroker(): Promise<SecureTestBroker> {
  const [port, controllerPort, saslSslPort, sslPort] = [await freePort(), await freePort(), await freePort(), await freePort()] as [number, number, number, number];
  const dir = mkdtempSync(join(tmpdir(), 'stampede-secure-broker-'));
  const dataDir = join(dir, 'broker');
  const certs = makeTestCertificates(dir);
  const alice: SecureUser = { name: 'alice', password: newPassword('alice') };
  const bob: SecureUser = { name: 'bob', password: newPassword('bob') };
  const carol: SecureUser = { name: 'carol', password: newPassword('carol') };
  const oauthSuperUser = 'dave';
  const scramUsers = [alice, bob];
  const plainUsers = [carol].map((u) => `user_${u.name}="${u.password}"`).join(' ');

  const properties: Record<string, string> = {
    // TLS for both secured listeners: PEM files, so no JKS or keytool is needed.
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.location': certs.brokerKeystore,
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': certs.caCert,
    'listener.name.ssl.ssl.client.auth': 'required',
    // SASL on the SASL_SSL listener only.
    'listener.name.sasl_ssl.sasl.enabled.mechanisms': 'SCRAM-SHA-512,PLAIN,OAUTHBEARER',
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'listener.name.sasl_ssl.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
    // No validator configured: Kafka's unsecured one, which takes the token's sub as the principal.
    'listener.name.sasl_ssl.oauthbearer.sasl.jaas.config': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;',
    // Authorization: ANONYMOUS is who PLAINTEXT (readiness, controller, inter-broker) is.
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': ['User:ANONYMOUS', `User:${alice.name}`, `User:${carol.name}`, `User:${oauthSuperUser}`, certs.clientPrincipal].join(';'),
    'allow.everyone.if.no.acl.found': 'false',
  };

  const startedAt = Date.now();
  try {
    await startLocalBroker({
      port,
      controllerPort,
      dataDir,
      heapMb: 512,
      startTimeoutMs: 120_000,
      extras: {
        listeners: [
          { name: 'SASL_SSL', port: saslSslPort, protocol: 'SASL_SSL' },
          { name: 'SSL', port: sslPort, protocol: 'SSL' },
        ],
        properties,
        scramUsers: scramUsers.map((u) => ({ mechanism: 'SCRAM-SHA-512' as const, name: u.name, password: u.password })),
      },
    });
  } catch (err) {
    // uvu reports a failed before-hook without its error: say it here.
    console.error(`secure test broker on 127.0.0.1:${port} (data in ${dataDir}) did not start: ${(err as Error).message}`);
    await stopLocalBroker({ port, dataDir });
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const startMs = Date.now() - startedAt;

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await stopLocalBroker({ port, dataDir });
    rmSync(dir, { recursive: true, force: true });
  };
  // If the suite dies, neither the broker nor the keys may outlive it.
  process.once('exit', () => {
    if (stopped) return;
    void stopLocalBroker({ port, dataDir });
    rmSync(dir, { recursive: true, force: true });
  });

  const saslSsl = (mechanism: string, user: SecureUser): ClientProperties => ({
    'security.protocol': 'SASL_SSL',
    'sasl.mechanism': mechanism,
    'sasl.username': user.name,
    'sasl.password': user.password,
    'ssl.ca.location': certs.caCert,
  });

  return {
    bootstrap: { plaintext: `127.0.0.1:${port}`, saslSsl: `127.0.0.1:${saslSslPort}`, ssl: `127.0.0.1:${sslPort}` },
    certs,
    users: { alice, bob, carol },
    oauthSuperUser,
    scramProperties: (user = alice) => saslSsl('SCRAM-SHA-512', user),
    plainProperties: (user = carol) => saslSsl('PLAIN', user),
    oauthProperties: (principal = oauthSuperUser) => ({
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'OAUTHBEARER',
      'enable.sasl.oauthbearer.unsecure.jwt': 'true',
      'sasl.oauthbearer.config': `principal=${principal}`,
      'ssl.ca.location': certs.caCert,
    }),
    mtlsProperties: () => ({
      'security.protocol': 'SSL',
      'ssl.ca.location': certs.caCert,
      'ssl.certificate.location': certs.clientCert,
      'ssl.key.location': certs.clientKey,
      'ssl.key.password': certs.clientKeyPassword,
    }),
    writeProperties,
    startMs,
    stop,
  };
}

/** One `key=value` a line; backslashes escaped as java.util.Properties (and stampede) read them. */
export function writeProperties(path: string, properties: ClientProperties): string {
  const body = Object.entries(properties)
    .map(([key, value]) => `${key}=${value.replaceAll('\\', '\\\\')}`)
    .join('\n');
  writeFileSync(path, `${body}\n`, { mode: 0o600 });
  return path;
}

/** `-X k=v` pairs for kcat / rdkafka_performance. */
export const kcatArgs = (properties: ClientProperties): string[] => Object.entries(properties).flatMap(([key, value]) => ['-X', `${key}=${value}`]);
