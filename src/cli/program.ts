import yargs, { type Argv } from 'yargs';
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
import { sweepCommand } from './sweep-command.js';
import { addOptions } from './flags.js';
import { commandHelp, topHelp, type HelpCommand } from './help.js';
import { helpWidth } from './help-layout.js';

/** `stampede --version`: ours, and what the native client's librdkafka was built with (TLS, SASL, codecs). */
function versionText(): string {
  try {
    const native = loadNative();
    return `stampede ${toolVersion}\nlibrdkafka ${native.librdkafkaVersion()} (native client), builtin.features: ${native.librdkafkaFeatures()}`;
  } catch (err) {
    return `stampede ${toolVersion}\nnative client: ${(err as Error).message}`;
  }
}

export interface Positional {
  name: string;
  describe: string;
  choices?: readonly string[];
  array?: boolean;
}

export interface CommandEntry extends HelpCommand {
  /** the word that selects it */
  name: string;
  positionals?: readonly Positional[];
  handler(argv: Record<string, unknown>): Promise<number> | number;
}

/** Every command: its positionals here, its options from the one schema (src/options/schema.ts). */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'run', usage: 'run', options: 'run', describe: 'Produce simulated IoT records to Kafka and report throughput and latency', handler: runCommand },
  { name: 'consume', usage: 'consume', options: 'consume', describe: 'Read an existing topic with a consumer group: records/s, MB/s, lag, poll intervals, and integrity for stampede\'s records', handler: consumeCommand },
  {
    name: 'broker',
    usage: 'broker <action>',
    options: 'broker',
    describe: 'Start, stop or check the local single-node Kafka broker (KRaft)',
    positionals: [{ name: 'action', choices: ['up', 'down', 'status'], describe: 'up, down or status' }],
    handler: (argv) => brokerCommand(String(argv['action']), argv),
  },
  {
    name: 'cluster',
    usage: 'cluster <action>',
    options: 'cluster',
    describe: 'Start, stop or check a local N-node Kafka cluster (KRaft, each node on its own loopback address) to inject faults into',
    positionals: [{ name: 'action', choices: ['up', 'down', 'status'], describe: 'up, down or status' }],
    handler: (argv) => clusterCommand(String(argv['action']), argv),
  },
  { name: 'compare', usage: 'compare', options: 'compare', describe: 'The same workload three ways: in-process null sink, acknowledged by the broker, end to end', handler: compareCommand },
  { name: 'verify', usage: 'verify', options: 'verify', describe: 'Read a topic to its end and check every device\'s sequence: lost, duplicate, out-of-order records', handler: verifyCommand },
  {
    name: 'hosts',
    usage: 'hosts <action>',
    options: 'hosts',
    describe: 'check: every --hosts host reachable, same stampede, its clock offset and broker access; install: this build onto each',
    positionals: [{ name: 'action', choices: ['check', 'install'], describe: 'check or install' }],
    handler: (argv) => hostsCommand(String(argv['action']), argv),
  },
  {
    name: 'merge',
    usage: 'merge <files..>',
    options: 'merge',
    describe: 'Merge the result files of a run\'s --instance-id instances into one result, exactly',
    positionals: [{ name: 'files', array: true, describe: 'result JSON files, one per instance' }],
    handler: (argv) => mergeCommand((argv['files'] as string[]).map(String), typeof argv['out'] === 'string' ? argv['out'] : undefined),
  },
  { name: 'agent', usage: 'agent', describe: false, handler: () => agentCommand() },
  {
    name: 'report',
    usage: 'report <results..>',
    options: 'report',
    describe: 'Write an HTML page with charts, .hgrm percentile files or interval CSV from run, merge, compare or bench-max results',
    positionals: [{ name: 'results', array: true, describe: 'Result JSON files; several overlay on the same charts' }],
    handler: reportCommand,
  },
  {
    name: 'diff',
    usage: 'diff <baseline> <current>',
    options: 'diff',
    describe: 'Throughput and every percentile of two results side by side; exit 5 when one regressed beyond --fail-above',
    positionals: [
      { name: 'baseline', describe: 'The result to compare against' },
      { name: 'current', describe: 'The new result' },
    ],
    handler: diffCommand,
  },
  { name: 'sweep', usage: 'sweep', options: 'sweep', describe: 'One full run per point of --vary partitions=2,4,8 --vary workers=1,2 (cross product, or --zip): a table, a JSON and an HTML page comparing the points, and the best by --objective', handler: sweepCommand },
  { name: 'max', usage: 'max', options: 'max', describe: 'The highest fixed rate that meets an SLO (--slo \'p99<50ms\'): the max throughput, then bisecting open-loop steps', handler: maxCommand },
];

function addPositionals(y: Argv, positionals: readonly Positional[] = []): Argv {
  let built = y;
  for (const p of positionals) built = built.positional(p.name, { type: 'string', describe: p.describe, ...(p.choices ? { choices: p.choices } : {}), ...(p.array ? { array: true } : {}) });
  return built;
}

/**
 * The --help text the arguments ask for, else undefined: `stampede --help`, `stampede <command>
 * --help` (or -h). Rendered here, not by yargs, so words never break and each command lists only
 * the options it takes.
 */
export function helpFor(args: readonly string[], width = helpWidth()): string | undefined {
  const end = args.indexOf('--');
  const before = end === -1 ? args : args.slice(0, end);
  if (!before.includes('--help') && !before.includes('-h')) return undefined;
  // The command is the first word that is not a flag: `run --help` and `--help run` alike.
  const word = before.find((arg) => !arg.startsWith('-'));
  const entry = COMMANDS.find((candidate) => candidate.name === word && candidate.describe !== false);
  return entry === undefined ? topHelp(COMMANDS, width) : commandHelp(entry, width);
}

/** How a parsed command line is acted on: the real commands, or (in tests) a recorder. */
export interface Dispatch {
  run(entry: CommandEntry, argv: Record<string, unknown>): Promise<number> | number;
  fail(message: string | undefined, err: Error | undefined): void;
}

export const kRealDispatch: Dispatch = { run: (entry, argv) => entry.handler(argv), fail: failOnUsage('stampede') };

/** The parser of every command and flag; parsing it runs the command through `dispatch`. */
export function buildCli(args: string[], dispatch: Dispatch, onExitCode: (code: number) => void): Argv {
  let cli = yargs(args)
    .scriptName('stampede')
    .version(versionText())
    .help(false)
    .parserConfiguration({ 'camel-case-expansion': false, 'parse-numbers': false, 'parse-positional-numbers': false });
  for (const entry of COMMANDS) {
    cli = cli.command(
      entry.usage,
      entry.describe as string,
      (y) => (entry.options ? addOptions(addPositionals(y, entry.positionals), entry.options) : addPositionals(y, entry.positionals)),
      async (argv) => {
        onExitCode(await dispatch.run(entry, argv as Record<string, unknown>));
      },
    );
  }
  return cli
    .demandCommand(1, 'name a command: run, consume, compare, max, sweep, verify, broker, cluster, hosts, merge, report or diff')
    .strict()
    .fail(dispatch.fail);
}
