import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { specsFor } from '../../src/options/schema.js';
import { runCli } from '../helpers/cli.js';
import { refusedOutcome } from '../helpers/refusal.js';

const dir = mkdtempSync(join(tmpdir(), 'stampede-cli-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** Bad input is rejected before any broker is contacted: process start-up and parsing, no more (2 s beyond start-up). */
const kRejectWithinMs = 2_000;

/** Bad input: exit 2, exactly one line on stderr naming what is wrong, no stack trace, nothing on stdout, within 2 s. */
async function rejects(args: string[], mentions: RegExp): Promise<void> {
  const outcome = await refusedOutcome(args, mentions);
  if (outcome.elapsedMs >= kRejectWithinMs) {
    // A loaded host can take seconds just to start Node: what is held to 2 s is the rejection
    // beyond start-up, so a slow case is set against `stampede --version` timed right after it.
    const startup = await runCli(['--version'], { timeoutMs: 30_000 });
    assert.ok(outcome.elapsedMs < startup.elapsedMs + kRejectWithinMs, `rejected in ${outcome.elapsedMs} ms; --version took ${startup.elapsedMs} ms`);
  }
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
  ['an unknown key mode', ['run', '--keys', 'random'], /--keys must be one of none, device/],
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
  ['a broker port whose controller port is past 65535', ['broker', 'up', '--port', '65535'], /^stampede: --port 65535: the local broker's controller listens on the next port, and 65536 is past 65535/],
  // rates
  ['a zero rate', ['run', '--rate', '0'], /--rate must be a positive number of records\/s or "max" \(got "0"\)/],
  ['a fractional rate', ['run', '--rate', '1.5'], /--rate must be a positive number/],
  // durations
  ['a negative warmup', ['run', '--warmup', '-1s'], /--warmup must be a duration/],
  ['a timeout below its minimum', ['run', '--records', '10', '--timeout', '500ms'], /--timeout must be a duration of at least 1000 ms/],
  ['an interval below 100 ms', ['run', '--interval', '10ms'], /--interval must be a duration of at least 100 ms/],
  ['a stall without its time', ['run', '--stall', '500ms'], /--stall must be a pause and when, such as 500ms@2s/],
  // integers
  ['a negative seed', ['run', '--seed', '-1'], /--seed must be an integer from 0 to 4294967295/],
  ['zero partitions', ['run', '--partitions', '0'], /--partitions must be an integer from 1/],
  ['a metrics port past 65535', ['run', '--metrics-port', '70000'], /--metrics-port must be an integer from 0 to 65535/],
  ['a metrics host that is not this host\'s', ['run', '--client', 'null', '--metrics-port', '0', '--metrics-host', '198.51.100.7'], /--metrics-host 198\.51\.100\.7 cannot serve \/metrics \(EADDRNOTAVAIL\)/],
  // broker strings
  ['a broker port past 65535', ['run', '--brokers', 'kafka-1:99999'], /--brokers must be host:port\[,host:port…\] \(got "kafka-1:99999"\)/],
  ['an empty entry in a broker list', ['run', '--brokers', 'a:9092,,b:9092'], /--brokers must be host:port/],
  ['a broker without a host', ['run', '--brokers', ':9092'], /--brokers must be host:port/],
  // producer properties
  ['a producer property without a key', ['run', '--producer-props', '=5'], /--producer-props must be key=value pairs .*\(got "=5"\)/],
  ['a topic setting without =', ['run', '--topic-config', 'retention.ms'], /--topic-config must be key=value pairs/],
  // thresholds
  ['a threshold with a doubled operator', ['run', '--threshold', 'p99<<5'], /--threshold "p99<<5" is not a threshold/],
  ['a threshold on an unknown metric', ['run', '--threshold', 'speed>5'], /--threshold "speed>5" is not a threshold/],
  // host lists
  ['an empty name in a host list', ['run', '--hosts', 'a,,b'], /--hosts must be a comma-separated list of names/],
  ['a host named twice', ['run', '--hosts', 'loadgen-1,loadgen-1'], /--hosts must be distinct names \(loadgen-1 is named twice\)/],
  ['--instance-id without --instances', ['run', '--instance-id', '1'], /--instance-id needs --instances/],
  // combinations
  ['--e2e with the null client', ['run', '--e2e', '--client', 'null', '--duration', '1s'], /--e2e needs records on a broker/],
  // consumer modes (--backlog, --consumer-churn)
  ['--backlog without --e2e', ['run', '--backlog', '1GB'], /--backlog acts on the end-to-end consumers: add --e2e/],
  ['a backlog size it cannot read', ['run', '--e2e', '--backlog', '2 parsecs'], /--backlog must be a size such as 2GB, 500MB or 512MiB \(got "2 parsecs"\)/],
  ['a zero backlog', ['run', '--e2e', '--backlog', '0'], /--backlog must be a size of at least 1 byte/],
  ['--consumer-churn below a second', ['run', '--e2e', '--consumer-churn', '10ms'], /--consumer-churn must be a duration of at least 1000 ms/],
  ['--consumer-churn without --e2e', ['run', '--consumer-churn', '10s'], /--consumer-churn acts on the end-to-end consumers: add --e2e/],
  ['--backlog with --consumer-churn', ['run', '--e2e', '--backlog', '1GB', '--consumer-churn', '10s'], /--backlog and --consumer-churn measure different things/],
  ['consume with a format it does not know', ['consume', '--format', 'avro'], /--format must be one of auto, none, iot-msgpack, iot-json, fixed/],
  ['consume with zero consumers', ['consume', '--consumers', '0'], /--consumers must be an integer from 1 to 256/],
  ['consume from a position it does not know', ['consume', '--from', 'middle'], /--from must be one of earliest, latest/],
  // transactions
  ['an abort rate above 1', ['run', '--transactional', '--abort-rate', '1.5'], /--abort-rate must be a share from 0 to 1, such as 0\.1 \(got "1\.5"\)/],
  ['an abort rate that is a percentage', ['run', '--transactional', '--abort-rate', '10%'], /--abort-rate must be a share from 0 to 1/],
  ['--abort-rate without --transactional', ['run', '--abort-rate', '0.1'], /--abort-rate needs --transactional/],
  ['zero records per transaction', ['run', '--transactional', '--transaction-records', '0'], /--transaction-records must be an integer from 1/],
  ['a transaction time that is not a duration', ['run', '--transactional', '--transaction-ms', 'often'], /--transaction-ms must be a duration/],
  ['--transactional with the null client', ['run', '--transactional', '--client', 'null'], /--transactional needs --client native \(the null client has no transactions here\)/],
  ['--transactional with node-rdkafka', ['run', '--transactional', '--client', 'node-rdkafka'], /--transactional needs --client native/],
  ['--transactional at a fixed rate', ['run', '--transactional', '--rate', '1000'], /--transactional runs at --rate max only/],
  ['--transactional with acks=1', ['run', '--transactional', '--producer-props', 'acks=1'], /--transactional implies acks=all \(got --producer-props acks=1\)/],
  ['--transactional with its own transactional.id', ['run', '--transactional', '--producer-props', 'transactional.id=mine'], /--transactional sets transactional\.id per producer thread/],
  ['--transactional across hosts', ['run', '--transactional', '--hosts', 'a,b'], /--transactional runs on this host only/],
  // record trace
  ['an unknown record trace', ['run', '--record-trace', 'footer'], /--record-trace must be one of header, value, none/],
  ['--record-trace none with --e2e', ['run', '--record-trace', 'none', '--e2e'], /--e2e needs each record's identity: use --record-trace value or header/],
  ['--record-trace header with node-rdkafka', ['run', '--record-trace', 'header', '--client', 'node-rdkafka'], /--record-trace header needs --client native or null: node-rdkafka writes header values as UTF-8 text/],
  ['record-trace none with e2e in a workload file', ['run', '--workload', file('trace.yaml', 'record-trace: none\ne2e: true\n')], /--e2e needs each record's identity/],
  // YAML types
  ['a YAML string where an integer belongs', ['run', '--workload', file('devices.yaml', 'devices: ten\n')], /devices\.yaml: devices must be an integer/],
  ['a YAML word where a boolean belongs', ['run', '--workload', file('e2e.yaml', 'e2e: maybe\n')], /e2e\.yaml: e2e must be true or false \(got "maybe"\)/],
  ['a YAML list where a duration belongs', ['run', '--workload', file('duration.yaml', 'duration: [1, 2]\n')], /duration\.yaml: duration must be a duration/],
  ['a YAML host list naming a host twice', ['run', '--workload', file('hosts.yaml', 'hosts: [a, a]\n')], /hosts\.yaml: hosts must be distinct names/],
  ['a YAML document that is a list', ['run', '--workload', file('list.yaml', '- devices: 10\n')], /must be a mapping of option names to values/],
  ['a YAML threshold that is not one', ['run', '--workload', file('threshold.yaml', 'threshold: [p99 fast]\n')], /is not a threshold/],
  // other commands
  ['verify without --topic', ['verify'], /--topic is required \(or --expect RESULT\.json, whose run names it\)/],
  ['verify --expect of a file that is not a run result', ['verify', '--expect', file('not-a-result.json', '{"kind":"verify"}')], /--expect .*not-a-result\.json: is not a stampede run result/],
  ['verify with a malformed timeout', ['verify', '--topic', 't', '--timeout', 'soon'], /--timeout must be a duration/],
  ['diff of a result file that does not exist', ['diff', join(dir, 'a.json'), join(dir, 'b.json')], /a\.json cannot be read \(ENOENT\)/],
  ['merge of a result file that does not exist', ['merge', join(dir, 'gone.json')], /gone\.json cannot be read \(ENOENT\)/],
  // max
  ['max without --slo', ['max'], /--slo is required: .* such as --slo 'p99<50ms'/],
  ['max with an --slo that is not a threshold', ['max', '--slo', 'p99<<5'], /--slo "p99<<5" is not a threshold/],
  ['max with a zero --precision', ['max', '--slo', 'p99<50ms', '--precision', '0%'], /--precision must be a percentage above 0 % and at most 50 %/],
  ['max with a --precision that is not a number', ['max', '--slo', 'p99<50ms', '--precision', 'tight'], /--precision must be a percentage/],
  ['max with a zero --floor', ['max', '--slo', 'p99<50ms', '--floor', '0'], /--floor must be a positive integer \(got "0"\)/],
  ['max with a --floor below one record/s per worker', ['max', '--slo', 'p99<50ms', '--floor', '2', '--workers', '4'], /--floor 2 is less than 1 record\/s for each of the 4 workers/],
  ['max with zero --max-steps', ['max', '--slo', 'p99<50ms', '--max-steps', '0'], /--max-steps must be an integer from 1 to 100/],
  ['max with a --step-duration under 1 s', ['max', '--slo', 'p99<50ms', '--step-duration', '200ms'], /--step-duration must be a duration of at least 1000 ms/],
  ['max with a --rate of its own', ['max', '--slo', 'p99<50ms', '--rate', '1000'], /--rate is not taken by max: max chooses every step's rate itself/],
  ['max with --threshold instead of --slo', ['max', '--slo', 'p99<50ms', '--threshold', 'p99<5ms'], /--threshold is not taken by max: use --slo/],
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

test('a malformed sasl.jaas.config with an unquoted password: one line naming the file and the key, the password nowhere', async () => {
  const password = 'Hunter2Secret';
  const config = file('malformed-jaas.properties', `security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=alice password=${password} extra;\n`);
  const outcome = await runCli(['verify', '--topic', 't', '--command-config', config], { timeoutMs: 30_000 });
  assert.not.ok(outcome.stdout.includes(password), 'the password is not on stdout');
  assert.not.ok(outcome.stderr.includes(password), 'the password is not on stderr');
  assert.is(outcome.code, 2, outcome.stderr);
  assert.is(outcome.stderr.trimEnd().split('\n').length, 1, outcome.stderr);
  assert.match(outcome.stderr, /^stampede: --command-config \S+malformed-jaas\.properties: sasl\.jaas\.config: cannot read its options after username=… password=…/);
});

test('--version names librdkafka\'s builtin features (TLS, SASL, codecs)', async () => {
  const outcome = await runCli(['--version'], { timeoutMs: 30_000 });
  assert.is(outcome.code, 0);
  assert.match(outcome.stdout, /^stampede \d+\.\d+\.\d+\nlibrdkafka \d+\.\d+\.\d+ \(native client\), builtin\.features: .*\bssl\b.*\bsasl_scram\b.*\bzstd\b/);
});

test('--help lists every workload option of the schema with its description and default', async () => {
  const outcome = await runCli(['run', '--help'], { timeoutMs: 30_000 });
  assert.is(outcome.code, 0);
  // One entry per flag: its first line "  --name  text", then lines indented under the text. yargs
  // wraps at a fixed column, mid-word too, so an entry is compared with its whitespace removed.
  const entries = new Map<string, string>();
  let current: string | undefined;
  for (const line of outcome.stdout.split('\n')) {
    const start = /^ {2}--([a-z0-9-]+)\s(.*)$/.exec(line);
    if (start) {
      current = start[1]!;
      entries.set(current, start[2]!);
    } else if (current !== undefined && /^ {3,}\S/.test(line)) {
      entries.set(current, entries.get(current)! + line);
    } else {
      current = undefined;
    }
  }
  const squeeze = (text: string): string => text.replace(/\s+/g, '').replace(/\[(string|array|boolean|number)\]/g, '');
  const runSpecs = specsFor('run');
  assert.ok(runSpecs.length >= 50, `${runSpecs.length} options of run in the schema`);
  for (const spec of runSpecs) {
    const entry = entries.get(spec.name);
    assert.ok(entry !== undefined, `--${spec.name} is listed`);
    assert.ok(squeeze(entry).includes(squeeze(spec.describe)), `--${spec.name} carries its description:\n${entry}`);
    const shown = Array.isArray(spec.default) ? spec.default.join(',') : spec.default;
    if (shown !== undefined && shown !== '') assert.ok(squeeze(entry).includes(squeeze(`[default: ${shown}]`)), `--${spec.name} shows [default: ${shown}]:\n${entry}`);
  }
  assert.ok(entries.has('workload'), '--workload is listed');
});

test('--metrics-port serves on 127.0.0.1 and says so; --help says how to serve a Prometheus elsewhere', async () => {
  const outcome = await runCli(['run', '--client', 'null', '--devices', '10', '--records', '1000', '--metrics-port', '0', '--out', join(dir, 'metrics.json')], { timeoutMs: 60_000 });
  assert.is(outcome.code, 0, outcome.stderr);
  assert.match(outcome.stdout, /^metrics: http:\/\/127\.0\.0\.1:\d+\/metrics /m);
  const help = await runCli(['run', '--help'], { timeoutMs: 30_000 });
  assert.match(help.stdout, /--metrics-host[^]*0\.0\.0\.0[^]*\[default:\s+127\.0\.0\.1\]/);
});

test.run();
