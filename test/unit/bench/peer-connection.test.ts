import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { peerConnection } from '../../../bench/max/peer-connection.js';
import { rdkafkaPerformanceArgs } from '../../../bench/max/rdkafka-performance.js';
import { stampedeRunArgs } from '../../../bench/max/stampede-runs.js';
import type { BenchMaxSettings } from '../../../bench/max/types.js';
import { parseProperties } from '../../../src/connection/properties.js';
import { runCli } from '../../helpers/cli.js';

/**
 * bench-max starts stampede runs and rdkafka_performance as child processes: what is on their
 * command lines every local user reads in ps (/proc/PID/cmdline), so no secret may be there.
 */
const password = 'Hunter2Secret-bench';
const keyPassword = 'key-pass-Secret';
const keyPem = '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBkeyMaterialSecret\n-----END ENCRYPTED PRIVATE KEY-----\n';
const secrets = { password, keyPassword, 'key PEM': 'keyMaterialSecret' };

const dir = mkdtempSync(join(tmpdir(), 'stampede-peer-connection-'));
const userFile = join(dir, 'client.properties');
writeFileSync(userFile, 'security.protocol=SASL_SSL\n');

/** As resolveConnection returns them: a file's settings, a --command-property, the default client.id. */
const resolved: Record<string, string> = {
  'client.id': 'stampede',
  'security.protocol': 'SASL_SSL',
  'sasl.mechanism': 'PLAIN',
  'sasl.username': 'alice',
  'sasl.password': password,
  'ssl.key.pem': keyPem,
  'ssl.key.password': keyPassword,
  'ssl.endpoint.identification.algorithm': 'none',
  'bootstrap.servers': '127.0.0.1:9092',
};
const flags = { commandConfig: userFile, commandProperties: [`sasl.password=${password}`, `ssl.key.password=${keyPassword}`] };

function benchSettings(): BenchMaxSettings {
  const connection = peerConnection(flags, resolved);
  return {
    bootstrap: '127.0.0.1:9092', brokerPid: undefined, recordSizeBytes: 100, partitions: 6, librdkafka: { 'linger.ms': '5', acks: '1' }, connection: {},
    connectionArgs: connection.stampedeArgs, rdkafkaConnectionArgs: connection.rdkafkaArgs, peerSeconds: 10,
  };
}

const run = { client: 'native', workers: 1, topic: 't', durationSec: 10, producerProps: { 'linger.ms': '5' } };

/** The file a flag names: `--command-config FILE`, or `-X file=FILE`. */
function fileAfter(args: readonly string[], flag: string, prefix = ''): string {
  const at = args.indexOf(flag);
  assert.ok(at >= 0 && args[at + 1]!.startsWith(prefix), `${flag} ${prefix}… in ${args.join(' ')}`);
  return args[at + 1]!.slice(prefix.length);
}

const modeOf = (path: string): number => statSync(path).mode & 0o777;

test('no secret on the command line of a child stampede run or rdkafka_performance', () => {
  const settings = benchSettings();
  const lines = { stampede: stampedeRunArgs(settings, run, join(dir, 'out.json')), rdkafka_performance: rdkafkaPerformanceArgs(settings, 't', 1000, undefined, []) };
  const leaks: string[] = [];
  for (const [tool, args] of Object.entries(lines)) {
    for (const [what, secret] of Object.entries(secrets)) if (args.some((arg) => arg.includes(secret))) leaks.push(`${what} on the ${tool} command line`);
  }
  assert.equal(leaks, []);
});

test('stampede runs get every connection setting in a file only its owner reads, which they read back exactly', async () => {
  const settings = benchSettings();
  const file = fileAfter(settings.connectionArgs, '--command-config');
  assert.is.not(file, userFile, 'not the user\'s file: the --command-property values go in too');
  assert.is(modeOf(file), 0o600);
  assert.is(modeOf(dirname(file)), 0o700);
  const { 'bootstrap.servers': _bootstrap, ...expected } = resolved;
  assert.equal(parseProperties(readFileSync(file, 'utf8'), ({ line, reason }) => assert.unreachable(`line ${line}: ${reason}`) as never), expected);
  // A child run reads it as a user's --command-config (the null client: no broker needed).
  const outcome = await runCli(['run', '--client', 'null', '--devices', '10', '--records', '100', '--warmup', '0s', ...settings.connectionArgs, '--out', join(dir, 'null.json')], { timeoutMs: 60_000 });
  assert.is(outcome.code, 0, outcome.stderr);
  for (const secret of Object.values(secrets)) assert.not.ok(`${outcome.stdout}${outcome.stderr}${readFileSync(join(dir, 'null.json'), 'utf8')}`.includes(secret), 'no secret printed or written');
});

test('rdkafka_performance gets them with -X file=: one key=value a line as it reads them, an inline PEM as its own file', () => {
  const settings = benchSettings();
  const file = fileAfter(settings.rdkafkaConnectionArgs, '-X', 'file=');
  assert.is(modeOf(file), 0o600);
  const text = readFileSync(file, 'utf8');
  const read: Record<string, string> = {};
  for (const line of text.split('\n').filter((line) => line !== '')) {
    // rdkafka_performance reads lines with a 512-byte buffer and splits at the first '='.
    assert.ok(line.length <= 510, `a line of ${line.length} characters`);
    read[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
  }
  const { 'bootstrap.servers': _bootstrap, 'client.id': _clientId, 'ssl.key.pem': _pem, ...plain } = resolved;
  assert.equal(read, { ...plain, 'ssl.key.location': read['ssl.key.location']! });
  assert.is(readFileSync(read['ssl.key.location']!, 'utf8'), keyPem);
  assert.is(modeOf(read['ssl.key.location']!), 0o600);
  const args = rdkafkaPerformanceArgs(settings, 't', 1000, undefined, []);
  assert.ok(args.indexOf(`file=${file}`) < args.indexOf('linger.ms=5'), 'the producer settings come after the connection (a later -X wins)');
});

test.run();
