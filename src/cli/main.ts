import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { isUserFacing } from '../errors.js';
import { redactText } from '../connection/redact.js';
import { failOnUsage } from './usage.js';
import { toolVersion } from '../version.js';
import { loadNative } from '../native/load.js';
import { brokerCommand } from './broker-command.js';
import { addWorkloadFlags, runCommand } from './run-command.js';
import { verifyCommand } from './verify-command.js';
import { compareCommand } from './compare-command.js';
import { addConsumeFlags, consumeCommand } from './consume-command.js';
import { agentCommand } from './agent-command.js';
import { addHostsFlags, hostsCommand } from './hosts-command.js';
import { mergeCommand } from './merge-command.js';
import { reportCommand } from './report-command.js';
import { diffCommand } from './diff-command.js';
import { addMaxFlags, maxCommand } from './max-command.js';

/** `stampede --version`: ours, and what the native client's librdkafka was built with (TLS, SASL, codecs). */
function versionText(): string {
  try {
    const native = loadNative();
    return `stampede ${toolVersion}\nlibrdkafka ${native.librdkafkaVersion()} (native client), builtin.features: ${native.librdkafkaFeatures()}`;
  } catch (err) {
    return `stampede ${toolVersion}\nnative client: ${(err as Error).message}`;
  }
}

async function main(args: string[]): Promise<number> {
  let exitCode = 0;
  await yargs(args)
    .scriptName('stampede')
    .wrap(110)
    .version(versionText())
    .parserConfiguration({ 'camel-case-expansion': false, 'parse-numbers': false, 'parse-positional-numbers': false })
    .command(
      'run',
      'Produce simulated IoT records to Kafka and report throughput and latency',
      (y) => addWorkloadFlags(y),
      async (argv) => {
        exitCode = await runCommand(argv as Record<string, unknown>);
      },
    )
    .command(
      'consume',
      'Read an existing topic with a consumer group: records/s, MB/s, lag, poll intervals, and integrity for stampede\'s records',
      (y) => addConsumeFlags(y),
      async (argv) => {
        exitCode = await consumeCommand(argv as Record<string, unknown>);
      },
    )
    .command(
      'broker <action>',
      'Start, stop or check the local single-node Kafka broker (KRaft)',
      (y) =>
        y
          .positional('action', { choices: ['up', 'down', 'status'] as const, describe: 'up | down | status' })
          .option('port', { type: 'string', requiresArg: true, describe: 'Broker port on 127.0.0.1 [default: 9092]; the controller uses port+1' })
          .option('heap-mb', { type: 'string', requiresArg: true, describe: 'Broker JVM heap in MiB [default: 1024]' }),
      async (argv) => {
        exitCode = await brokerCommand(String(argv.action), argv as Record<string, unknown>);
      },
    )
    .command(
      'compare',
      'The same workload three ways: in-process null sink, acknowledged by the broker, end to end',
      (y) => addWorkloadFlags(y),
      async (argv) => {
        exitCode = await compareCommand(argv as Record<string, unknown>);
      },
    )
    .command(
      'verify',
      'Read a topic to its end and check every device\'s sequence: lost, duplicate, out-of-order records',
      (y) =>
        y
          .option('brokers', { type: 'string', requiresArg: true, describe: 'Bootstrap brokers [default: 127.0.0.1:9092]' })
          .option('command-config', { type: 'string', requiresArg: true, describe: 'Connection settings file (Java .properties: security.protocol, sasl.*, ssl.*, client.id)' })
          .option('command-property', { type: 'string', array: true, requiresArg: true, describe: 'One connection setting k=v over --command-config (repeatable)' })
          .option('topic', { type: 'string', requiresArg: true, describe: 'Topic to check [default: the topic of --expect]' })
          .option('expect', { type: 'string', requiresArg: true, describe: 'The run\'s result JSON: every device\'s expected last sequence follows from its plan and sent counts, so losses after a device\'s last record on the topic show too' })
          .option('format', { type: 'string', requiresArg: true, describe: 'auto, iot-msgpack, iot-json or fixed [default: auto]' })
          .option('timeout', { type: 'string', requiresArg: true, describe: 'Give up reading after this long [default: 120s]' })
          .option('out', { type: 'string', requiresArg: true, describe: 'Also write the verdict as JSON here' }),
      async (argv) => {
        exitCode = await verifyCommand(argv as Record<string, unknown>);
      },
    )
    .command(
      'hosts <action>',
      'check: every --hosts host reachable, same stampede, its clock offset and broker access; install: this build onto each',
      (y) => addHostsFlags(y.positional('action', { choices: ['check', 'install'] as const, describe: 'check | install' })),
      async (argv) => {
        exitCode = await hostsCommand(String(argv.action), argv as Record<string, unknown>);
      },
    )
    .command(
      'merge <files..>',
      'Merge the result files of a run\'s --instance-id instances into one result, exactly',
      (y) =>
        y
          .positional('files', { type: 'string', array: true, describe: 'result JSON files, one per instance' })
          .option('out', { type: 'string', requiresArg: true, describe: 'Merged JSON path [default: results/run-<time>.json]' }),
      async (argv) => {
        exitCode = await mergeCommand((argv.files as string[]).map(String), typeof argv.out === 'string' ? argv.out : undefined);
      },
    )
    .command('agent', false, (y) => y, async () => {
      exitCode = await agentCommand();
    })
    .command(
      'report <results..>',
      'Write an HTML page with charts, .hgrm percentile files or interval CSV from run, merge, compare or bench-max results',
      (y) =>
        y
          .positional('results', { type: 'string', array: true, describe: 'Result JSON files; several overlay on the same charts' })
          .option('html', { type: 'string', requiresArg: true, describe: 'Self-contained HTML page (inline SVG charts, no network)' })
          .option('hgrm', { type: 'string', requiresArg: true, describe: 'Folder for one HdrHistogram .hgrm file per latency kind (values in ms)' })
          .option('csv', { type: 'string', requiresArg: true, describe: 'CSV of every interval row' }),
      (argv) => {
        exitCode = reportCommand(argv as Record<string, unknown>);
      },
    )
    .command(
      'diff <baseline> <current>',
      'Throughput and every percentile of two results side by side; exit 5 when one regressed beyond --fail-above',
      (y) =>
        y
          .positional('baseline', { type: 'string', describe: 'The result to compare against' })
          .positional('current', { type: 'string', describe: 'The new result' })
          .option('fail-above', { type: 'string', requiresArg: true, describe: 'Largest change for the worse that still passes, in % [default: 10%]' })
          .option('out', { type: 'string', requiresArg: true, describe: 'Also write the comparison as JSON here' }),
      (argv) => {
        exitCode = diffCommand(argv as Record<string, unknown>);
      },
    )
    .command(
      'max',
      'The highest fixed rate that meets an SLO (--slo \'p99<50ms\'): the max throughput, then bisecting open-loop steps',
      (y) => addMaxFlags(y),
      async (argv) => {
        exitCode = await maxCommand(argv as Record<string, unknown>);
      },
    )
    .demandCommand(1, 'name a command: run, consume, compare, max, verify, broker, hosts, merge, report or diff')
    .strict()
    .fail(failOnUsage('stampede'))
    .help()
    .parseAsync();
  return exitCode;
}

main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (isUserFacing(err)) {
      console.error(`stampede: ${redactText(err.message)}`);
      process.exitCode = err.exitCode;
      return;
    }
    // A bug keeps its stack, but never a secret.
    console.error(redactText(err instanceof Error ? (err.stack ?? err.message) : String(err)));
    process.exitCode = 1;
  },
);
