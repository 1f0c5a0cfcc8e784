import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { isUserFacing } from '../errors.js';
import { redactText } from '../connection/redact.js';
import { failOnUsage } from './usage.js';
import { toolVersion } from '../version.js';
import { loadNative } from '../native/load.js';
import { brokerCommand } from './broker-command.js';
import { clusterCommand } from './cluster-command.js';
import { runCommand } from './run-command.js';
import { verifyCommand } from './verify-command.js';
import { compareCommand } from './compare-command.js';
import { consumeCommand } from './consume-command.js';
import { agentCommand } from './agent-command.js';
import { hostsCommand } from './hosts-command.js';
import { mergeCommand } from './merge-command.js';
import { reportCommand } from './report-command.js';
import { diffCommand } from './diff-command.js';
import { maxCommand } from './max-command.js';
import { addOptions } from './flags.js';
import type { CommandName } from '../options/schema.js';

/** `stampede --version`: ours, and what the native client's librdkafka was built with (TLS, SASL, codecs). */
function versionText(): string {
  try {
    const native = loadNative();
    return `stampede ${toolVersion}\nlibrdkafka ${native.librdkafkaVersion()} (native client), builtin.features: ${native.librdkafkaFeatures()}`;
  } catch (err) {
    return `stampede ${toolVersion}\nnative client: ${(err as Error).message}`;
  }
}

interface CommandEntry {
  /** yargs' command string: the name and its positionals */
  usage: string;
  /** the option schema's name for its options */
  options?: CommandName;
  /** false: not listed in --help (the agent a --hosts run starts over ssh) */
  describe: string | false;
  positionals?(y: Argv): Argv;
  handler(argv: Record<string, unknown>): Promise<number> | number;
}

/** Every command: its positionals here, its options from the one schema (src/options/schema.ts). */
const kCommands: readonly CommandEntry[] = [
  { usage: 'run', options: 'run', describe: 'Produce simulated IoT records to Kafka and report throughput and latency', handler: runCommand },
  { usage: 'consume', options: 'consume', describe: 'Read an existing topic with a consumer group: records/s, MB/s, lag, poll intervals, and integrity for stampede\'s records', handler: consumeCommand },
  {
    usage: 'broker <action>',
    options: 'broker',
    describe: 'Start, stop or check the local single-node Kafka broker (KRaft)',
    positionals: (y) => y.positional('action', { choices: ['up', 'down', 'status'] as const, describe: 'up | down | status' }),
    handler: (argv) => brokerCommand(String(argv['action']), argv),
  },
  {
    usage: 'cluster <action>',
    options: 'cluster',
    describe: 'Start, stop or check a local N-node Kafka cluster (KRaft, each node on its own loopback address) to inject faults into',
    positionals: (y) => y.positional('action', { choices: ['up', 'down', 'status'] as const, describe: 'up | down | status' }),
    handler: (argv) => clusterCommand(String(argv['action']), argv),
  },
  { usage: 'compare', options: 'compare', describe: 'The same workload three ways: in-process null sink, acknowledged by the broker, end to end', handler: compareCommand },
  { usage: 'verify', options: 'verify', describe: 'Read a topic to its end and check every device\'s sequence: lost, duplicate, out-of-order records', handler: verifyCommand },
  {
    usage: 'hosts <action>',
    options: 'hosts',
    describe: 'check: every --hosts host reachable, same stampede, its clock offset and broker access; install: this build onto each',
    positionals: (y) => y.positional('action', { choices: ['check', 'install'] as const, describe: 'check | install' }),
    handler: (argv) => hostsCommand(String(argv['action']), argv),
  },
  {
    usage: 'merge <files..>',
    options: 'merge',
    describe: 'Merge the result files of a run\'s --instance-id instances into one result, exactly',
    positionals: (y) => y.positional('files', { type: 'string', array: true, describe: 'result JSON files, one per instance' }),
    handler: (argv) => mergeCommand((argv['files'] as string[]).map(String), typeof argv['out'] === 'string' ? argv['out'] : undefined),
  },
  { usage: 'agent', describe: false, handler: () => agentCommand() },
  {
    usage: 'report <results..>',
    options: 'report',
    describe: 'Write an HTML page with charts, .hgrm percentile files or interval CSV from run, merge, compare or bench-max results',
    positionals: (y) => y.positional('results', { type: 'string', array: true, describe: 'Result JSON files; several overlay on the same charts' }),
    handler: reportCommand,
  },
  {
    usage: 'diff <baseline> <current>',
    options: 'diff',
    describe: 'Throughput and every percentile of two results side by side; exit 5 when one regressed beyond --fail-above',
    positionals: (y) => y.positional('baseline', { type: 'string', describe: 'The result to compare against' }).positional('current', { type: 'string', describe: 'The new result' }),
    handler: diffCommand,
  },
  { usage: 'max', options: 'max', describe: 'The highest fixed rate that meets an SLO (--slo \'p99<50ms\'): the max throughput, then bisecting open-loop steps', handler: maxCommand },
];

async function main(args: string[]): Promise<number> {
  let exitCode = 0;
  let cli = yargs(args)
    .scriptName('stampede')
    .wrap(110)
    .version(versionText())
    .parserConfiguration({ 'camel-case-expansion': false, 'parse-numbers': false, 'parse-positional-numbers': false });
  for (const entry of kCommands) {
    cli = cli.command(
      entry.usage,
      entry.describe as string,
      (y) => {
        const withPositionals = entry.positionals ? entry.positionals(y) : y;
        return entry.options ? addOptions(withPositionals, entry.options) : withPositionals;
      },
      async (argv) => {
        exitCode = await entry.handler(argv as Record<string, unknown>);
      },
    );
  }
  await cli
    .demandCommand(1, 'name a command: run, consume, compare, max, verify, broker, cluster, hosts, merge, report or diff')
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
