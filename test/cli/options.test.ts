import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'stampede-cli-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** Bad input: exit 2, one line on stderr naming what is wrong, no stack trace, nothing on stdout. */
async function rejects(args: string[], mentions: RegExp): Promise<void> {
  const outcome = await runCli(args, { timeoutMs: 30_000 });
  assert.is(outcome.code, 2, `exit code for ${args.join(' ')}\n${outcome.stderr}`);
  const firstLine = outcome.stderr.split('\n')[0] ?? '';
  assert.match(firstLine, /^stampede: /);
  assert.match(firstLine, mentions);
  assert.not.match(outcome.stderr, /\n\s+at /, 'no stack trace');
  assert.is(outcome.stdout, '', 'nothing on stdout');
}

const cases: [string, string[], RegExp][] = [
  ['an unknown flag', ['run', '--devics', '10'], /Unknown argument: devics/],
  ['a negative device count', ['run', '--devices', '-3'], /--devices must be an integer from 1 to 100000000 \(got "-3"\)/],
  ['a non-numeric device count', ['run', '--devices', 'many'], /--devices must be/],
  ['a rate that is neither a number nor max', ['run', '--rate', 'fast'], /--rate must be a positive number of records\/s or "max"/],
  ['an arrival law it does not know', ['run', '--rate', '1000', '--arrival', 'bursty'], /--arrival must be one of uniform, poisson/],
  ['a malformed duration', ['run', '--duration', '10 parsecs'], /--duration must be a duration/],
  ['a zero duration', ['run', '--duration', '0s'], /--duration must be a duration of at least 1 ms/],
  ['an unknown client', ['run', '--client', 'kafkajs'], /--client must be one of native, node-rdkafka, null/],
  ['an unknown profile', ['run', '--profile', 'turbo'], /--profile must be one of throughput, latency, balanced/],
  ['an unknown record format', ['run', '--format', 'avro'], /--format must be one of iot-msgpack, iot-json, fixed/],
  ['a record size below the fixed header', ['run', '--format', 'fixed', '--record-size', '8'], /--record-size must be an integer from 32/],
  ['a producer property without =', ['run', '--producer-props', 'linger.ms'], /--producer-props must be key=value pairs/],
  ['more workers than devices', ['run', '--client', 'null', '--devices', '3', '--workers', '4'], /4 workers for 3 devices/],
  ['a malformed broker list', ['run', '--brokers', 'localhost'], /brokers must be host:port/],
  ['a flag without its value', ['run', '--topic'], /Not enough arguments following: topic/],
  ['a missing workload file', ['run', '--workload', join(dir, 'nope.yaml')], /workload file .*nope\.yaml cannot be read \(ENOENT\)/],
  ['a workload file that is not YAML', ['run', '--workload', file('broken.yaml', 'devices: [1, 2\n')], /is not valid YAML/],
  ['a workload file with an unknown field', ['run', '--workload', file('typo.yaml', 'devices: 10\nwrokers: 2\n')], /unknown field "wrokers"/],
  ['a workload file with a bad value', ['run', '--workload', file('value.yaml', 'rate: -5\n')], /value\.yaml: rate must be/],
  ['no command', [], /name a command/],
  ['an unknown broker action', ['broker', 'restart'], /Invalid values/],
];

for (const [name, args, mentions] of cases) {
  test(`rejects ${name}`, () => rejects(args, mentions));
}

test('an unreachable broker gets a clear line naming the host within 15 s', async () => {
  const outcome = await runCli(['run', '--brokers', '127.0.0.1:1', '--duration', '1s'], { timeoutMs: 30_000 });
  assert.is(outcome.code, 2);
  assert.ok(outcome.elapsedMs < 15_000, `took ${outcome.elapsedMs} ms`);
  assert.match(outcome.stderr, /^stampede: cannot reach Kafka at 127\.0\.0\.1:1 within 10 s \(.*Connection refused/);
  assert.is(outcome.stderr.trim().split('\n').length, 1, outcome.stderr);
});

test('a connection settings file that cannot be read is named, exit 2', async () => {
  const outcome = await runCli(['run', '--command-config', '/nonexistent/client.properties', '--duration', '1s'], { timeoutMs: 30_000 });
  assert.is(outcome.code, 2);
  assert.match(outcome.stderr, /^stampede: --command-config \/nonexistent\/client\.properties cannot be read \(ENOENT\)\n$/);
});

test('--version names librdkafka\'s builtin features (TLS, SASL, codecs)', async () => {
  const outcome = await runCli(['--version'], { timeoutMs: 30_000 });
  assert.is(outcome.code, 0);
  assert.match(outcome.stdout, /^stampede \d+\.\d+\.\d+\nlibrdkafka \d+\.\d+\.\d+ \(native client\), builtin\.features: .*\bssl\b.*\bsasl_scram\b.*\bzstd\b/);
});

test('--help lists every workload option with its default', async () => {
  const outcome = await runCli(['run', '--help'], { timeoutMs: 30_000 });
  assert.is(outcome.code, 0);
  for (const flag of ['--brokers', '--devices', '--rate', '--arrival', '--records', '--warmup', '--workers', '--client', '--profile', '--producer-props', '--format', '--record-size', '--out']) {
    assert.match(outcome.stdout, flag);
  }
  assert.match(outcome.stdout, /\[default:\s+100000\]/);
});

test.run();
