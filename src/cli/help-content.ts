import type { CommandName, OptionKind, OptionSpec } from '../options/schema.js';

/**
 * What --help says beyond the option schema: the placeholder of each value, the sections a
 * workload command's many options fall into, defaults that differ for one command, and worked
 * examples. The options themselves (names, descriptions, defaults, commands) come from
 * src/options/schema.ts only.
 */

/** Placeholders of string options, by name; any other string option shows <text>. */
const kStringPlaceholders: Readonly<Record<string, string>> = {
  workload: '<file>',
  brokers: '<host:port,…>',
  'command-config': '<file>',
  topic: '<name>',
  group: '<name>',
  model: '<file|name>',
  'schema-registry': '<url>',
  out: '<file>',
  hgrm: '<dir>',
  csv: '<file>',
  html: '<file>',
  expect: '<file>',
  'ssh-config': '<file>',
  'remote-command': '<command>',
  'remote-dir': '<dir>',
  'run-id': '<id>',
  'metrics-host': '<address>',
  'fail-above': '<percent>',
};

/** An enum's choices fit in its placeholder up to this many characters; longer ones are listed in its text. */
const kInlineChoicesChars = 26;

/** The value a flag takes, as shown after its name: its type, unit or choices. */
export function placeholder(spec: OptionSpec): string {
  const kind: OptionKind = spec.kind;
  switch (kind.type) {
    case 'string':
      return kStringPlaceholders[spec.name] ?? '<text>';
    case 'int':
      return '<int>';
    case 'rate':
      return '<records/s|max>';
    case 'duration':
      return '<duration>';
    case 'enum': {
      const inline = kind.values.join('|');
      return inline.length <= kInlineChoicesChars ? `<${inline}>` : '<choice>';
    }
    case 'props':
      return '<key=value>';
    case 'stall':
      return '<pause@at>';
    case 'fault':
      return '<kind@at[:down]>';
    case 'list':
      return '<host,…>';
    case 'bool':
      return '';
    case 'optional-path':
      return '[file]';
    case 'thresholds':
      return '<check>';
    case 'observe-list':
      return '<topic[:expect]>';
    case 'strings':
      return spec.name === 'processor-group' ? '<group>' : spec.name === 'vary' ? '<option=v1,v2,…>' : '<value>';
    case 'bytes':
      return '<size>';
    case 'fraction':
      return '<0..1>';
    case 'percent':
      return '<percent>';
    case 'stages':
      return '<duration:rate,…>';
    case 'steps':
      return '<from..to/step@hold>';
  }
}

/** The choices of an enum whose placeholder could not show them, else undefined. */
export function choicesText(spec: OptionSpec, describe: string): string | undefined {
  if (spec.kind.type !== 'enum' || placeholder(spec) !== '<choice>') return undefined;
  // A text that already names every choice ("auto, iot-msgpack, iot-json or fixed") needs no list.
  const words = new Set(describe.split(/[^a-z0-9-]+/i));
  if (spec.kind.values.every((value) => words.has(value))) return undefined;
  return `Choices: ${spec.kind.values.join(', ')}.`;
}

/** The sections of a workload command's options, in the order shown; options not named here go last. */
const kWorkloadSections: readonly (readonly [string, readonly string[]])[] = [
  ['Connection', ['brokers', 'command-config', 'command-property']],
  ['Topic', ['topic', 'partitions', 'replication-factor', 'topic-config']],
  ['Load', ['workload', 'rate', 'stages', 'steps', 'arrival', 'duration', 'records', 'warmup', 'timeout', 'workers', 'devices', 'seed']],
  ['Producer', ['client', 'profile', 'producer-props', 'batch', 'latency']],
  ['Records', ['format', 'model', 'schema-registry', 'subject-strategy', 'record-size', 'keys', 'record-trace']],
  ['Consumers and pipelines', ['e2e', 'consumers', 'observe', 'trace', 'processor-group', 'drain', 'backlog', 'consumer-churn']],
  ['Transactions', ['transactional', 'transaction-records', 'transaction-ms', 'abort-rate']],
  ['Checks and faults', ['threshold', 'max-publish-delay', 'stall', 'fault']],
  ['Many hosts', ['hosts', 'ssh-config', 'remote-command', 'remote-dir', 'max-clock-skew', 'verbose', 'instance-id', 'instances', 'run-id']],
  ['Output', ['out', 'interval', 'html', 'hgrm', 'csv', 'metrics-port', 'metrics-host']],
];

/** Commands whose options are the workload's and fall into sections. */
const kSectioned: ReadonlySet<CommandName> = new Set(['run', 'compare', 'max', 'sweep']);

/** The section heading an option is listed under for this command. */
export function sectionOf(command: CommandName, spec: OptionSpec): string {
  if (spec.group !== undefined) return spec.group.replace(/:$/, '');
  if (!kSectioned.has(command)) return 'Options';
  return kWorkloadSections.find(([, names]) => names.includes(spec.name))?.[0] ?? 'Other options';
}

/** Section headings in the order they are shown; a heading not listed here comes after these. */
export const kSectionOrder: readonly string[] = ['Search', 'Sweep', ...kWorkloadSections.map(([heading]) => heading), 'Other options', 'Options'];

/** Where one command's default or text differs from the schema row it shares with others. */
interface Override {
  readonly describe?: string;
  readonly default?: string;
}

const kOverrides: Readonly<Partial<Record<CommandName, Readonly<Record<string, Override>>>>> = {
  max: {
    warmup: { default: '2s', describe: 'Time each step sends before it is measured' },
    timeout: { default: '10m', describe: 'With --hosts, how long each host has to send its final line after a step stops' },
    out: { describe: 'JSON result path', default: 'results/max-<time>.json' },
  },
  compare: {
    out: { describe: 'JSON result path', default: 'results/compare-<time>.json' },
  },
  sweep: {
    out: { describe: 'The sweep\'s JSON (every point\'s summary); each point\'s whole result goes to <out>-points/point-<n>.json', default: 'results/sweep-<time>.json' },
    html: { describe: 'Also write an HTML page comparing the points; bare --html puts it beside the JSON' },
  },
};

/** The text and default --help shows for one option of one command. */
export function shownOption(command: CommandName, spec: OptionSpec): { describe: string; default: string | undefined } {
  const override = kOverrides[command]?.[spec.name];
  const schemaDefault = spec.default === undefined || (Array.isArray(spec.default) && spec.default.length === 0) ? undefined : String(spec.default);
  return { describe: override?.describe ?? spec.describe, default: override?.default ?? schemaDefault };
}

/** A worked example: the command line and what it does. */
export interface Example {
  readonly command: string;
  readonly says: string;
}

export const EXAMPLES: Readonly<Record<CommandName | 'stampede', readonly Example[]>> = {
  stampede: [
    { command: 'stampede run --client null --records 200000', says: 'No broker needed: how fast this machine generates and encodes records.' },
    { command: 'stampede broker up && stampede run --duration 10s', says: 'A throw-away local Kafka (needs Java 17+), then 10 s at full speed against it; stampede broker down stops it.' },
    { command: 'stampede run --brokers kafka-1:9092 --rate 50000 --e2e', says: 'Your cluster at 50,000 records/s for 30 s, read back: end-to-end latency, lost and duplicated records.' },
  ],
  run: [
    { command: 'stampede run --client null --records 200000', says: 'No broker: the generator and encoder alone.' },
    { command: 'stampede run --brokers kafka-1:9092 --rate 50000 --duration 60s --e2e', says: '50,000 records/s for a minute, consumed back: end-to-end latency and integrity.' },
    { command: "stampede run --steps 10k..100k/10k@20s --threshold 'p99<50ms'", says: 'Stairs of 10,000 records/s, 20 s each: the knee where p99 passes 50 ms.' },
  ],
  compare: [
    { command: 'stampede compare --rate 20000 --duration 10s', says: 'The same 10 s three ways (null sink, acked, end to end) and where a record\'s time goes.' },
    { command: 'stampede compare --brokers kafka-1:9092 --workers 2 --duration 20s', says: 'The same with two producer threads against your cluster, 20 s per mode.' },
  ],
  max: [
    { command: "stampede max --slo 'p99<50ms'", says: 'The highest fixed rate whose produce→ack p99 stays under 50 ms.' },
    { command: "stampede max --slo 'e2e.p99<200ms' --e2e --step-duration 20s", says: 'The same, judged on end-to-end latency, 20 s a step.' },
  ],
  sweep: [
    { command: 'stampede sweep --vary partitions=2,4,8 --vary workers=1,2,4 --rate 100000', says: 'Nine full runs at 100,000 records/s, 30 s each, one per pair, each on a fresh topic: a table and a JSON; the best by lowest p99.' },
    { command: 'stampede sweep --vary producer-props=linger.ms=0,linger.ms=5,linger.ms=50', says: 'Three runs as fast as possible, one per linger: the best by records/s.' },
  ],
  consume: [
    { command: 'stampede consume --topic stampede-iot --records 1000000', says: 'Read a million records with a fresh group: records/s, MB/s, lag, integrity.' },
    { command: 'stampede consume --topic orders --from latest --duration 2m --format none', says: 'Two minutes of new records of a topic that is not stampede\'s, counted without decoding.' },
  ],
  verify: [
    { command: 'stampede verify --expect results/run-2026-01-01T10-00-00Z.json', says: 'Every device\'s sequence on the run\'s topic against what the run sent.' },
    { command: 'stampede verify --topic stampede-iot --timeout 60s', says: 'Read the topic to its end: lost, duplicate and out-of-order records.' },
  ],
  broker: [
    { command: 'stampede broker up', says: 'One Kafka node (KRaft) on 127.0.0.1:9092, under .cache/; needs Java 17+.' },
    { command: 'stampede broker status', says: 'Whether it is running, and where.' },
    { command: 'stampede broker down', says: 'Stop it (its data stays for the next up).' },
  ],
  cluster: [
    { command: 'stampede cluster up --nodes 3', says: 'Three Kafka nodes on 127.0.0.11-13:9092, replication factor 3, min.insync.replicas 2; needs Java 17+.' },
    { command: 'stampede cluster status --json', says: 'Nodes up, down or paused, the active controller, and each partition\'s leader and ISR; then run --brokers 127.0.0.11:9092 --fault kill-leader@20s:15s.' },
    { command: 'stampede cluster down --remove-data', says: 'Stop every node and delete the cluster\'s data.' },
  ],
  hosts: [
    { command: 'stampede hosts check --hosts gen-1,gen-2 --ssh-config configs/ssh/fleet.ssh_config', says: 'Each host reachable, the same stampede, its clock offset and broker access.' },
    { command: 'stampede hosts install --hosts gen-1,gen-2', says: 'Copy this build to each host.' },
  ],
  merge: [{ command: 'stampede merge results/slice-0.json results/slice-1.json --out results/all.json', says: 'One exact result from the slices of an --instances run.' }],
  report: [
    { command: 'stampede report results/run-a.json --html run-a.html', says: 'An HTML page with the run\'s charts, no network needed to view it.' },
    { command: 'stampede report results/run-a.json results/run-b.json --html both.html', says: 'Two runs overlaid on the same charts.' },
  ],
  diff: [{ command: 'stampede diff results/before.json results/after.json --fail-above 5%', says: 'Side by side; exit 5 when a metric got more than 5 % worse.' }],
};

/** The value notations a command's options use, each explained once at the end of its help. */
export function valueNotes(specs: readonly OptionSpec[]): string[] {
  const kinds = new Set<OptionKind['type']>(specs.map((spec) => spec.kind.type));
  const notes: string[] = [];
  // The example is an option of this command, preferring one whose values are usually under a second.
  const durationFlag = specs.find((spec) => spec.name === 'transaction-ms') ?? specs.find((spec) => spec.kind.type === 'duration');
  if (durationFlag !== undefined) notes.push(`<duration>: 500ms, 30s, 2m or 1h. A bare number means seconds: --${durationFlag.name} 100 is 100 s, not 100 ms.`);
  if (kinds.has('rate')) notes.push('<records/s|max>: a whole number of records per second across all workers, or max (as fast as the client takes them).');
  if (kinds.has('stages') || kinds.has('steps')) notes.push('In --stages and --steps, rates may use k and M: 50k is 50,000.');
  if (kinds.has('bytes')) notes.push('<size>: 2GB, 20MB, 512KiB or a number of bytes; KB, MB, GB are powers of 1000, KiB, MiB, GiB powers of 1024.');
  if (kinds.has('thresholds')) notes.push("<check>: a percentile or total and a bound, such as p99<50ms, e2e.p999<200ms, rate>=400000, lost==0. Quote it in a shell: 'p99<50ms'.");
  if (kinds.has('props')) notes.push('<key=value> options repeat: give the flag once per setting.');
  if (kinds.has('bool')) notes.push('A switch such as --e2e is on when given; --e2e false turns it off again.');
  return notes;
}
