import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../../src/contracts/result.js';
import { runCli, type CliOutcome } from '../helpers/cli.js';
import { checkIntegrity } from '../helpers/integrity.js';
import { readTopicWithKcat } from '../helpers/kcat.js';
import { startSecureTestBroker, type SecureTestBroker } from '../helpers/secure-broker.js';

/**
 * stampede against a secured broker, driven as a user drives it: the CLI with --command-config or
 * --command-property, every client (admin, producers, consumers, verify) through the same settings.
 * Debian's kcat (librdkafka 2.0.2) cannot log in with SCRAM to Kafka 4.x (librdkafka issue 4895),
 * so the independent read-back goes through PLAIN on the same SASL_SSL listener (as carol, a PLAIN
 * user), or mutual TLS. Every user has one mechanism only, so a run that logs in proves which one.
 */
const records = 20_000;
const devices = 1_000;
const root = mkdtempSync(join(tmpdir(), 'stampede-secure-'));
/** Property files live here, outside the result folder the secret scan reads. */
const configDir = join(root, 'config');
/** Every --out of every run lands under here; the last test reads every file in it. */
const resultsDir = join(root, 'results');
mkdirSync(configDir);
mkdirSync(resultsDir);

interface Context {
  kafka?: SecureTestBroker;
  /** a SCRAM-SHA-512 file for alice in librdkafka names */
  scramFile?: string;
  wrongPassword?: string;
}

/** What every spawned run printed, for the secret scan. */
const printed: { label: string; outcome: CliOutcome }[] = [];

const secure = suite<Context>('secured broker: SASL_SSL (SCRAM, PLAIN), mutual TLS, authorization');

secure.before(async (context) => {
  const kafka = await startSecureTestBroker();
  context.kafka = kafka;
  context.scramFile = kafka.writeProperties(join(configDir, 'scram.properties'), kafka.scramProperties());
  context.wrongPassword = `wrong-pw-${randomBytes(12).toString('hex')}`;
});

secure.after(async (context) => {
  await context.kafka?.stop();
  rmSync(root, { recursive: true, force: true });
});

async function stampede(label: string, args: string[], timeoutMs = 90_000): Promise<CliOutcome> {
  const outcome = await runCli(args, { timeoutMs });
  printed.push({ label, outcome });
  return outcome;
}

/** A produce-only run of `records` records with 2 native threads, its JSON written under resultsDir. */
async function produce(label: string, kafka: SecureTestBroker, topic: string, connection: string[], extra: string[] = []): Promise<{ outcome: CliOutcome; result?: RunResult }> {
  const out = join(resultsDir, label, 'r.json');
  const outcome = await stampede(label, [
    'run', '--brokers', kafka.bootstrap.saslSsl, ...connection, '--topic', topic, '--partitions', '3', '--devices', String(devices),
    '--records', String(records), '--workers', '2', '--client', 'native', '--warmup', '0s', '--timeout', '60s', '--out', out, ...extra,
  ]);
  if (outcome.code !== 0) return { outcome };
  return { outcome, result: JSON.parse(readFileSync(out, 'utf8')) as RunResult };
}

const show = (outcome: CliOutcome): string => `exit ${outcome.code} after ${outcome.elapsedMs} ms\n${outcome.stdout}\n${outcome.stderr}`;

/** A usage-style failure: exit 2 in time, one `stampede: …` line on stderr, no stack. */
function assertOneLineFailure(outcome: CliOutcome, withinMs: number): string {
  assert.is(outcome.code, 2, show(outcome));
  assert.ok(outcome.elapsedMs < withinMs, `failed after ${outcome.elapsedMs} ms, wanted < ${withinMs} ms`);
  const lines = outcome.stderr.trim().split('\n');
  assert.is(lines.length, 1, `one line on stderr, got:\n${outcome.stderr}`);
  const line = lines[0]!;
  assert.ok(line.startsWith('stampede: '), line);
  assert.not.match(outcome.stderr + outcome.stdout, /^\s{4}at /m, 'no stack trace');
  return line;
}

secure('SASL_SSL + SCRAM-SHA-512 from --command-config, native client, 2 threads: exact acks, SCRAM the only way alice logs in, and kcat reads every record back over PLAIN', async ({ kafka, scramFile }) => {
  const topic = 'secure-scram';
  // The listener also takes PLAIN: alice must have no PLAIN login, or this run could pass over it.
  const plainFile = kafka!.writeProperties(join(configDir, 'alice-plain.properties'), kafka!.plainProperties(kafka!.users.alice));
  const overPlain = await stampede('alice-plain', ['run', '--brokers', kafka!.bootstrap.saslSsl, '--command-config', plainFile, '--topic', topic, '--records', '1000', '--warmup', '0s', '--out', join(resultsDir, 'alice-plain', 'r.json')], 30_000);
  assert.match(assertOneLineFailure(overPlain, 15_000), /^stampede: authentication failed at 127\.0\.0\.1:\d+: .*PLAIN.*alice/);

  const { outcome, result } = await produce('scram', kafka!, topic, ['--command-config', scramFile!]);
  assert.is(outcome.code, 0, show(outcome));
  assert.is(result!.totals.acked, records);
  assert.is(result!.totals.errors, 0);
  assert.is(result!.librdkafka['sasl.mechanism'], 'SCRAM-SHA-512', 'the mechanism in force');

  const read = await readTopicWithKcat(kafka!.bootstrap.saslSsl, topic, { timeoutMs: 60_000, properties: kafka!.plainProperties() });
  const integrity = checkIntegrity(read, 'iot-msgpack');
  assert.is(integrity.records, records);
  assert.is(integrity.devices, devices);
  assert.is(integrity.duplicates, 0);
  assert.equal(integrity.incompleteDevices, []);
  assert.is(integrity.keyMismatches, 0);
});

secure('a Java-style file (sasl.jaas.config with ScramLoginModule) works the same', async ({ kafka }) => {
  const { alice } = kafka!.users;
  const file = kafka!.writeProperties(join(configDir, 'java-style.properties'), {
    'security.protocol': 'SASL_SSL',
    'sasl.mechanism': 'SCRAM-SHA-512',
    'sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="${alice.name}" password="${alice.password}";`,
    'ssl.ca.location': kafka!.certs.caCert,
  });
  const { outcome, result } = await produce('jaas', kafka!, 'secure-jaas', ['--command-config', file]);
  assert.is(outcome.code, 0, show(outcome));
  assert.is(result!.totals.acked, records);
  assert.is(result!.totals.errors, 0);
});

secure('--e2e with 2 consumers and then verify, both through the same file: nothing lost or duplicated', async ({ kafka, scramFile }) => {
  const topic = 'secure-e2e';
  const { outcome, result } = await produce('e2e', kafka!, topic, ['--command-config', scramFile!], ['--e2e', '--consumers', '2']);
  assert.is(outcome.code, 0, show(outcome));
  assert.is(result!.totals.acked, records);
  assert.is(result!.integrity!.lost, 0);
  assert.is(result!.integrity!.duplicates, 0);
  assert.is(result!.integrity!.uniqueRecords, records);

  const verify = await stampede('verify', ['verify', '--brokers', kafka!.bootstrap.saslSsl, '--command-config', scramFile!, '--topic', topic, '--timeout', '60s', '--out', join(resultsDir, 'verify', 'v.json')]);
  assert.is(verify.code, 0, show(verify));
  assert.match(verify.stdout, /lost 0, duplicates 0/);
});

secure('SASL_SSL + PLAIN as carol, a user with no SCRAM credential: exact acks (so PLAIN it was), and carol over SCRAM is refused', async ({ kafka }) => {
  const plainFile = kafka!.writeProperties(join(configDir, 'carol-plain.properties'), kafka!.plainProperties());
  const { outcome, result } = await produce('plain', kafka!, 'secure-plain', ['--command-config', plainFile]);
  assert.is(outcome.code, 0, show(outcome));
  assert.is(result!.totals.acked, records);
  assert.is(result!.totals.errors, 0);
  assert.is(result!.librdkafka['sasl.mechanism'], 'PLAIN');
  const scramFile = kafka!.writeProperties(join(configDir, 'carol-scram.properties'), kafka!.scramProperties(kafka!.users.carol));
  const overScram = await stampede('carol-scram', ['run', '--brokers', kafka!.bootstrap.saslSsl, '--command-config', scramFile, '--topic', 'secure-plain', '--records', '1000', '--warmup', '0s', '--out', join(resultsDir, 'carol-scram', 'r.json')], 30_000);
  assert.match(assertOneLineFailure(overScram, 15_000), /^stampede: authentication failed at 127\.0\.0\.1:\d+: .*SCRAM-SHA-512.*carol/);
});

for (const style of ['librdkafka', 'Java'] as const) {
  secure(`SASL_SSL + OAUTHBEARER (unsecured JWT) from ${style === 'Java' ? 'a Java-style file (OAuthBearerLoginModule, unsecuredLoginStringClaim_sub)' : 'librdkafka properties'}: exact acks as the token's principal`, async ({ kafka }) => {
    const principal = kafka!.oauthSuperUser;
    const properties =
      style === 'Java'
        ? {
            'security.protocol': 'SASL_SSL',
            'sasl.mechanism': 'OAUTHBEARER',
            'sasl.jaas.config': `org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="${principal}";`,
            'ssl.ca.location': kafka!.certs.caCert,
          }
        : kafka!.oauthProperties(principal);
    const file = kafka!.writeProperties(join(configDir, `oauth-${style}.properties`), properties);
    const { outcome, result } = await produce(`oauth-${style}`, kafka!, `secure-oauth-${style.toLowerCase()}`, ['--command-config', file]);
    assert.is(outcome.code, 0, show(outcome));
    assert.is(result!.totals.acked, records);
    assert.is(result!.totals.errors, 0);
    assert.is(result!.librdkafka['sasl.mechanism'], 'OAUTHBEARER');
  });
}

secure('OAUTHBEARER as a principal with no ACLs: authenticated, then refused by the authorizer under the token\'s principal', async ({ kafka }) => {
  // eve has no password anywhere: only the OAUTHBEARER token names her.
  const file = kafka!.writeProperties(join(configDir, 'oauth-eve.properties'), kafka!.oauthProperties('eve'));
  const topic = 'secure-eve-may-not';
  const outcome = await stampede('oauth-eve', ['run', '--brokers', kafka!.bootstrap.saslSsl, '--command-config', file, '--topic', topic, '--records', '1000', '--warmup', '0s', '--out', join(resultsDir, 'oauth-eve', 'r.json')], 30_000);
  const line = assertOneLineFailure(outcome, 30_000);
  assert.ok(line.includes(topic), line);
  assert.match(line, /^stampede: not authorized: SASL_SSL, OAUTHBEARER may not (describe|create) topic /);
});

secure('mutual TLS from repeated --command-property: exact acks, and kcat reads them back over mutual TLS', async ({ kafka }) => {
  const topic = 'secure-mtls';
  const properties = kafka!.mtlsProperties();
  const flags = Object.entries(properties).flatMap(([key, value]) => ['--command-property', `${key}=${value}`]);
  const out = join(resultsDir, 'mtls', 'r.json');
  const outcome = await stampede('mtls', [
    'run', '--brokers', kafka!.bootstrap.ssl, ...flags, '--topic', topic, '--partitions', '3', '--devices', String(devices),
    '--records', String(records), '--workers', '2', '--client', 'native', '--warmup', '0s', '--timeout', '60s', '--out', out,
  ]);
  assert.is(outcome.code, 0, show(outcome));
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.is(result.totals.acked, records);
  assert.is(result.totals.errors, 0);
  assert.is((await readTopicWithKcat(kafka!.bootstrap.ssl, topic, { timeoutMs: 60_000, properties })).length, records);
});

secure('a wrong password: exit 2 within 15 s, one line naming authentication, the mechanism and the user, not the password', async ({ kafka, wrongPassword }) => {
  const file = kafka!.writeProperties(join(configDir, 'wrong-password.properties'), { ...kafka!.scramProperties(), 'sasl.password': wrongPassword! });
  const outcome = await stampede('wrong-password', ['run', '--brokers', kafka!.bootstrap.saslSsl, '--command-config', file, '--topic', 'secure-wrong-pw', '--records', '1000', '--warmup', '0s', '--out', join(resultsDir, 'wrong-password', 'r.json')], 30_000);
  const line = assertOneLineFailure(outcome, 15_000);
  assert.match(line, /^stampede: authentication failed at 127\.0\.0\.1:\d+: /);
  assert.match(line, /SCRAM-SHA-512/);
  assert.match(line, /alice/);
  assert.not.ok(line.includes(wrongPassword!), 'the wrong password is not printed');
});

secure('a CA that does not match the broker certificate: exit 2 within 15 s, one line naming the certificate', async ({ kafka }) => {
  const file = kafka!.writeProperties(join(configDir, 'other-ca.properties'), { ...kafka!.scramProperties(), 'ssl.ca.location': kafka!.certs.otherCaCert });
  const outcome = await stampede('other-ca', ['run', '--brokers', kafka!.bootstrap.saslSsl, '--command-config', file, '--topic', 'secure-other-ca', '--records', '1000', '--warmup', '0s', '--out', join(resultsDir, 'other-ca', 'r.json')], 30_000);
  const line = assertOneLineFailure(outcome, 15_000);
  // A TLS failure, named as such: not mistaken for a failed login (librdkafka reports both with
  // the same error code on a SASL_SSL listener).
  assert.match(line, /^stampede: TLS handshake with 127\.0\.0\.1:\d+ failed: untrusted certificate/);
  assert.ok(line.includes(kafka!.certs.otherCaCert), line);
});

secure('a plaintext client on the mutual-TLS listener without a client certificate: one line saying the broker refused it', async ({ kafka }) => {
  const outcome = await stampede('no-client-cert', ['run', '--brokers', kafka!.bootstrap.ssl, '--command-property', 'security.protocol=SSL', '--command-property', `ssl.ca.location=${kafka!.certs.caCert}`, '--topic', 'secure-no-cert', '--records', '1000', '--out', join(resultsDir, 'no-client-cert', 'r.json')], 30_000);
  const line = assertOneLineFailure(outcome, 15_000);
  assert.match(line, /^stampede: TLS handshake with 127\.0\.0\.1:\d+ failed: the broker refused this client's certificate/);
});

secure('a wrong ssl.key.password names the key file, not the password', async ({ kafka }) => {
  const properties = { ...kafka!.mtlsProperties(), 'ssl.key.password': 'not-the-key-password' };
  const outcome = await stampede('bad-key-password', ['run', '--brokers', kafka!.bootstrap.ssl, ...Object.entries(properties).flatMap(([k, v]) => ['--command-property', `${k}=${v}`]), '--topic', 'secure-bad-key', '--records', '1000', '--out', join(resultsDir, 'bad-key-password', 'r.json')], 30_000);
  const line = assertOneLineFailure(outcome, 15_000);
  assert.match(line, /^stampede: cannot use ssl\.key\.location=\S+client-key\.pem: /);
  assert.not.ok(line.includes('not-the-key-password'), line);
});

secure('a topic the principal may not create (bob has no ACLs): exit 2, one line naming the topic and authorization', async ({ kafka }) => {
  const topic = 'secure-bob-may-not';
  const file = kafka!.writeProperties(join(configDir, 'bob.properties'), kafka!.scramProperties(kafka!.users.bob));
  const outcome = await stampede('bob', ['run', '--brokers', kafka!.bootstrap.saslSsl, '--command-config', file, '--topic', topic, '--records', '1000', '--warmup', '0s', '--out', join(resultsDir, 'bob', 'r.json')], 30_000);
  const line = assertOneLineFailure(outcome, 30_000);
  assert.ok(line.includes(topic), line);
  assert.match(line, /^stampede: not authorized: SASL_SSL, SCRAM-SHA-512 as user "bob" may not (describe|create) topic /);
});

for (const codec of ['zstd', 'lz4']) {
  secure(`compression.type=${codec} over SASL_SSL: every record acked`, async ({ kafka, scramFile }) => {
    const { outcome, result } = await produce(codec, kafka!, `secure-${codec}`, ['--command-config', scramFile!], ['--producer-props', `compression.type=${codec}`]);
    assert.is(outcome.code, 0, show(outcome));
    assert.is(result!.totals.acked, records);
    assert.is(result!.totals.errors, 0);
    assert.is(result!.librdkafka['compression.type'], codec, 'the codec in force is the one asked for');
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));
}

secure('no secret (passwords, ssl.key.password) in anything a run printed or wrote', async ({ kafka, wrongPassword }) => {
  const secrets: Record<string, string> = {
    "alice's password": kafka!.users.alice.password,
    "bob's password": kafka!.users.bob.password,
    "carol's password": kafka!.users.carol.password,
    'the wrong password': wrongPassword!,
    'ssl.key.password': kafka!.certs.clientKeyPassword,
  };
  // Not vacuous: at least some runs printed and wrote something (each test above asserts its own run).
  assert.ok(printed.length > 0, 'runs to scan');
  const files = filesUnder(resultsDir);
  assert.ok(files.length > 0, 'result files to scan');
  const leaks: string[] = [];
  for (const [what, secret] of Object.entries(secrets)) {
    for (const { label, outcome } of printed) {
      if (outcome.stdout.includes(secret)) leaks.push(`${what} in stdout of run "${label}"`);
      if (outcome.stderr.includes(secret)) leaks.push(`${what} in stderr of run "${label}"`);
    }
    for (const file of files) {
      if (readFileSync(file).includes(secret)) leaks.push(`${what} in ${file}`);
    }
  }
  // Name where, never print the secret itself.
  assert.equal(leaks, []);
});

secure.run();
