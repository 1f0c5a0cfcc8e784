import { kMaxDevices } from '../plan/shard.js';
import { SUBJECT_STRATEGIES } from '../encodings/subject.js';

/**
 * The one declaration of every option of every command: its type, default, help text and the
 * commands that take it. The CLI flags (one loop, src/cli/flags.ts), the workload-file keys and
 * their validation, and `--help` are all derived from this table, so they cannot drift. Names are
 * kebab-case as users type them, in flags and in YAML alike. A name may stand in more than one row
 * when it means something else to another command (`--topic` to produce to, or to read).
 */
export type OptionKind =
  | { type: 'string' }
  | { type: 'int'; min: number; max?: number }
  | { type: 'rate' } // a positive integer of records/s, or "max"
  | { type: 'duration'; minMs: number; maxMs?: number } // "30s", "500ms", "2m", or a number of seconds; at most maxMs (default: a week, parse.ts)
  | { type: 'enum'; values: readonly string[] }
  | { type: 'props' } // repeated k=v pairs
  | { type: 'stall' } // "<duration>@<duration>": pause that long, once, that long after the start
  | { type: 'fault' } // repeated fault specs on a timeline, "kill-leader@10s:15s" (src/options/faults.ts), a YAML list in a file
  | { type: 'list' } // comma-separated names, or a YAML list
  | { type: 'bool' } // true/false, on/off, yes/no; a bare flag is true
  | { type: 'optional-path' } // a path, or a bare flag for "beside the JSON result"
  | { type: 'thresholds' } // repeated k6-style thresholds (src/options/thresholds.ts), a YAML list in a file
  | { type: 'observe-list' } // repeated TOPIC[:expect], or a YAML list of { name, topic, expect, trace, processorGroup } (src/options/stages.ts)
  | { type: 'strings' } // repeated values kept in order, a YAML list in a file
  | { type: 'bytes'; min: number } // "2GB", "20MB", "512KiB", or a number of bytes
  | { type: 'fraction' } // a share from 0 to 1, such as 0.1
  | { type: 'percent'; minPct: number; maxPct: number } // "5%" or "5", within (minPct, maxPct]
  | { type: 'stages' } // duration:target ramps, "30s:50k,2m:500k" (src/options/schedule.ts)
  | { type: 'steps' }; // stairs, "50k..500k/50k@30s" (src/options/schedule.ts)

export type CommandName = 'run' | 'compare' | 'max' | 'sweep' | 'consume' | 'hosts' | 'verify' | 'broker' | 'cluster' | 'merge' | 'report' | 'diff';

export interface OptionSpec {
  readonly name: string;
  readonly kind: OptionKind;
  readonly describe: string;
  /** As a user would type it; undefined means "not set". */
  readonly default?: string | number | readonly string[];
  /** The commands that take it. */
  readonly commands: readonly CommandName[];
  /** false: a flag only, never a workload-file key */
  readonly inFile?: boolean;
  /** Its heading in --help, where a command's options fall into groups. */
  readonly group?: string;
}

export const RECORD_FORMATS = ['iot-msgpack', 'iot-json', 'fixed'] as const;
export const CLIENTS = ['native', 'node-rdkafka', 'null'] as const;
export const PROFILES = ['throughput', 'latency', 'balanced', 'exactly-once'] as const;

/** The workload options: `run` takes them, and so do the commands made of runs. */
const WORKLOAD = ['run', 'compare', 'max', 'sweep'] as const;
/** Where the hosts are and how stampede starts there: `hosts check|install` take them too. */
const WORKLOAD_AND_HOSTS = ['run', 'compare', 'max', 'sweep', 'hosts'] as const;
/** How to reach the cluster: every command that talks to it. */
const CONNECTED = ['run', 'compare', 'max', 'sweep', 'hosts', 'consume', 'verify'] as const;
const CONSUME = ['consume'] as const;

export const OPTION_SPECS = [
  { name: 'workload', kind: { type: 'string' }, inFile: false, describe: 'YAML workload file (flags override its values)', commands: WORKLOAD_AND_HOSTS },
  { name: 'brokers', kind: { type: 'string' }, default: '127.0.0.1:9092', describe: 'Bootstrap brokers, host:port[,host:port…]', commands: CONNECTED },
  { name: 'command-config', kind: { type: 'string' }, describe: 'Connection settings file (Java .properties, as Kafka\'s tools take: security.protocol, sasl.*, ssl.*, client.id), applied to every client the command opens: admin, producers, consumers', commands: CONNECTED },
  { name: 'command-property', kind: { type: 'props' }, default: [], describe: 'One connection setting k=v over --command-config (repeatable)', commands: CONNECTED },
  { name: 'topic', kind: { type: 'string' }, default: 'stampede-iot', describe: 'Topic to produce to; created when missing', commands: WORKLOAD },
  { name: 'partitions', kind: { type: 'int', min: 1, max: 100_000 }, default: 6, describe: 'Partitions when the topic is created', commands: WORKLOAD },
  { name: 'replication-factor', kind: { type: 'int', min: 1, max: 32_767 }, describe: 'Replication factor when the topic is created [default: the broker\'s]', commands: WORKLOAD },
  { name: 'topic-config', kind: { type: 'props' }, default: [], describe: 'Topic setting k=v when the topic is created, e.g. retention.ms=3600000, min.insync.replicas=2 (repeatable)', commands: WORKLOAD },
  { name: 'devices', kind: { type: 'int', min: 1, max: kMaxDevices }, default: 100_000, describe: 'Simulated IoT devices (ids 0..devices-1)', commands: WORKLOAD },
  { name: 'rate', kind: { type: 'rate' }, default: 'max', describe: 'Records/s in total across workers, or "max"', commands: WORKLOAD },
  { name: 'stages', kind: { type: 'stages' }, describe: 'Load schedule instead of --rate/--duration: duration:target stages, each ramping linearly from the previous target (0 before the first), e.g. 30s:50k,2m:500k,1m:500k,30s:0 (rates take k/M)', commands: ['run', 'sweep'] },
  { name: 'steps', kind: { type: 'steps' }, describe: 'Load schedule instead of --rate/--duration: stairs FROM..TO/STEP@HOLD, each level held that long, e.g. 50k..500k/50k@30s; reports each level and, with --threshold, the knee', commands: ['run', 'sweep'] },
  { name: 'arrival', kind: { type: 'enum', values: ['uniform', 'poisson'] }, default: 'uniform', describe: 'At a fixed --rate, when records are due: uniform (gaps of exactly 1/rate) or poisson (seeded exponential gaps of mean 1/rate, as independent devices send)', commands: WORKLOAD },
  { name: 'duration', kind: { type: 'duration', minMs: 1 }, default: '30s', describe: 'Measured time after warmup (ignored when --records is set)', commands: WORKLOAD },
  { name: 'records', kind: { type: 'int', min: 1, max: Number.MAX_SAFE_INTEGER }, describe: 'Exact total records to send; overrides --duration', commands: WORKLOAD },
  { name: 'timeout', kind: { type: 'duration', minMs: 1000 }, default: '10m', describe: 'Upper bound on a --records run, warmup and drain included; with --hosts, also how long each host has to send its final line after stop', commands: WORKLOAD },
  { name: 'warmup', kind: { type: 'duration', minMs: 0 }, default: '0s', describe: 'Time sent but left out of rates and latency', commands: WORKLOAD },
  { name: 'workers', kind: { type: 'int', min: 1, max: 1024 }, default: 1, describe: 'Producer worker threads', commands: WORKLOAD },
  { name: 'client', kind: { type: 'enum', values: CLIENTS }, default: 'native', describe: 'Producer client: native (librdkafka, any number of threads), node-rdkafka (main thread only), null (in-process sink, no broker)', commands: WORKLOAD },
  { name: 'profile', kind: { type: 'enum', values: PROFILES }, default: 'throughput', describe: 'librdkafka settings file from configs/profiles/', commands: WORKLOAD },
  { name: 'producer-props', kind: { type: 'props' }, default: [], describe: 'librdkafka property overrides, k=v (repeatable)', commands: WORKLOAD },
  { name: 'format', kind: { type: 'enum', values: RECORD_FORMATS }, default: 'iot-msgpack', describe: 'Record value format', commands: WORKLOAD },
  { name: 'model', kind: { type: 'string' }, describe: 'Device model: a YAML file of fields and generators, or a built-in model\'s name (iot, weather, simple: configs/models/) [default: iot, the built-in simulator]', commands: WORKLOAD },
  { name: 'schema-registry', kind: { type: 'string' }, describe: 'Schema registry URL (Confluent\'s REST API: Confluent, Karapace, Redpanda, Apicurio\'s …/apis/ccompat/v7). With an avro or protobuf --model, the value schema is registered once before producing and every value carries the Confluent wire-format header; credentials from --command-config (basic.auth.credentials.source, basic.auth.user.info, bearer.auth.token, or schema.registry.*)', commands: WORKLOAD },
  { name: 'subject-strategy', kind: { type: 'enum', values: SUBJECT_STRATEGIES }, describe: 'The value schema\'s subject: topic (<topic>-value), record (the record\'s full name) or topic-record (<topic>-<full name>) [default: value.subject.name.strategy of --command-config, else topic]', commands: WORKLOAD },
  { name: 'record-size', kind: { type: 'int', min: 32, max: 10_000_000 }, default: 100, describe: 'Value size in bytes for --format fixed', commands: WORKLOAD },
  { name: 'keys', kind: { type: 'enum', values: ['none', 'device'] }, default: 'device', describe: 'Record keys: device (the device id, so a device\'s records share a partition and keep their order) or none (null keys, spread by librdkafka\'s sticky partitioner as rdkafka_performance and ProducerPerformance send; order per device is then not checked)', commands: WORKLOAD },
  { name: 'batch', kind: { type: 'int', min: 1, max: 1_000_000 }, default: 1000, describe: 'Records a worker builds per batch', commands: WORKLOAD },
  { name: 'latency', kind: { type: 'enum', values: ['on', 'off'] }, default: 'on', describe: 'Record produce→ack latency (off: to measure what recording costs)', commands: WORKLOAD },
  { name: 'e2e', kind: { type: 'bool' }, default: 'false', describe: 'Also consume the run\'s records: end-to-end latency, lost/duplicate/out-of-order records, lag, partition balance', commands: WORKLOAD },
  { name: 'consumers', kind: { type: 'int', min: 1, max: 256 }, default: 1, describe: 'Consumer threads of the --e2e consumer group', commands: WORKLOAD },
  { name: 'observe', kind: { type: 'observe-list' }, default: [], describe: 'Also read a topic your stream processor writes (repeatable, one stage each, in pipeline order): TOPIC[:passthrough|subset|aggregate]; latency from the record trace, integrity as the expectation allows, from a consumer group of its own joined before producing', commands: WORKLOAD },
  { name: 'trace', kind: { type: 'strings' }, default: [], describe: 'Where an observed stage\'s records carry their send time: header (stampede\'s record-trace header), timestamp (the Kafka record timestamp, whole ms) or field:NAME (a JSON value field in µs); once for every stage or once per --observe, in order', commands: WORKLOAD },
  { name: 'processor-group', kind: { type: 'strings' }, default: [], describe: 'The consumer group of the processor that reads an observed stage\'s input: its lag (log-end − committed offsets) every interval; once for every stage or once per --observe, in order', commands: WORKLOAD },
  { name: 'drain', kind: { type: 'duration', minMs: 0 }, default: '15s', describe: 'After the producers stop: how long their last acks may take (30 s at least) and, with --e2e or --observe, the consumers\' catch-up', commands: WORKLOAD },
  { name: 'backlog', kind: { type: 'bytes', min: 1 }, describe: 'With --e2e: keep the consumers paused until the producers have built this much backlog (e.g. 2GB; KB/MB/GB = 10^3/10^6/10^9, KiB/MiB/GiB = 2^10/2^20/2^30), then resume them while producing goes on; reports the drain rate and the time until lag is under one interval\'s worth', commands: WORKLOAD },
  { name: 'consumer-churn', kind: { type: 'duration', minMs: 1000 }, describe: 'With --e2e: add or remove one consumer every this long while producing; reports each rebalance\'s pause and the e2e latency around it', commands: WORKLOAD },
  { name: 'max-publish-delay', kind: { type: 'duration', minMs: 0 }, default: '10ms', describe: 'At a fixed --rate, a publish-delay p99 above this marks the run not valid at that rate', commands: WORKLOAD },
  { name: 'stall', kind: { type: 'stall' }, describe: 'Fault injection: each producer pauses once, e.g. 500ms@2s = 500 ms, 2 s after the start', commands: WORKLOAD },
  { name: 'fault', kind: { type: 'fault' }, default: [], describe: 'A fault on the timeline (repeatable; faults: in a workload file), only on what stampede started. On stampede cluster up: kill-node[=N]@10s[:15s] (kill -9, restart after 15 s), kill-leader[=TOPIC-P]@10s[:15s] (the leader of that or the busiest partition), kill-controller@10s[:15s], pause-node[=N]@10s:8s (SIGSTOP/SIGCONT), rolling-restart@10s, delay-node=N@10s:30s=20ms and partition-node=N@10s:20s (proxy network). On stampede broker up: broker-restart@10s:5s', commands: WORKLOAD },
  { name: 'seed', kind: { type: 'int', min: 0, max: 2 ** 32 - 1 }, default: 1, describe: 'Seed of the device simulator', commands: WORKLOAD },
  { name: 'interval', kind: { type: 'duration', minMs: 100, maxMs: 3_600_000 }, default: '1s', describe: 'Live line and interval-row period', commands: WORKLOAD },
  { name: 'out', kind: { type: 'string' }, describe: 'JSON result path (default results/run-<time>.json)', commands: WORKLOAD },
  { name: 'verbose', kind: { type: 'bool' }, default: 'false', describe: 'With --hosts, also one live line per host each interval', commands: WORKLOAD },
  { name: 'hosts', kind: { type: 'list' }, describe: 'Run on these hosts: Host names of the ssh config, a,b,c (one agent each, --workers threads each)', commands: WORKLOAD_AND_HOSTS },
  { name: 'ssh-config', kind: { type: 'string' }, describe: 'ssh_config file naming the --hosts; a flag only, not taken from a workload file [default: ssh\'s own, ~/.ssh/config]', commands: WORKLOAD_AND_HOSTS },
  { name: 'remote-command', kind: { type: 'string' }, default: 'npx --no-install stampede', describe: 'How stampede is started on each host (run in --remote-dir); a flag only, not taken from a workload file', commands: WORKLOAD_AND_HOSTS },
  { name: 'remote-dir', kind: { type: 'string' }, describe: 'Directory the agent runs in on each host [default: this working directory]', commands: WORKLOAD_AND_HOSTS },
  { name: 'max-clock-skew', kind: { type: 'duration', minMs: 0 }, default: '1ms', describe: 'With --hosts, flag end-to-end latency when the measured clock-offset bound exceeds this', commands: WORKLOAD },
  { name: 'instance-id', kind: { type: 'int', min: 0, max: 99_999 }, describe: 'Run slice I of --instances (no ssh; e.g. a Kubernetes Indexed Job) [default: $JOB_COMPLETION_INDEX]', commands: WORKLOAD },
  { name: 'instances', kind: { type: 'int', min: 1, max: 100_000 }, describe: 'Instances the run is split into, for --instance-id [default: $STAMPEDE_INSTANCES]', commands: WORKLOAD },
  { name: 'run-id', kind: { type: 'string' }, describe: 'Names one run across --instances, checked by stampede merge [default: $STAMPEDE_RUN_ID, else the workload\'s fingerprint]', commands: WORKLOAD },
  { name: 'html', kind: { type: 'optional-path' }, describe: 'Also write a self-contained HTML report (charts, settings) here; bare --html puts it beside the JSON result', commands: WORKLOAD },
  { name: 'hgrm', kind: { type: 'string' }, describe: 'Also write one HdrHistogram .hgrm percentile file per latency kind into this folder (values in ms)', commands: WORKLOAD },
  { name: 'csv', kind: { type: 'string' }, describe: 'Also write the interval rows as CSV here', commands: WORKLOAD },
  { name: 'threshold', kind: { type: 'thresholds' }, default: [], describe: 'Pass/fail check, k6 style (repeatable): p99<50ms, e2e.p999<200ms, delay.p99<5ms, rate>=400000, lost==0; exit 6 when one fails', commands: WORKLOAD },
  { name: 'record-trace', kind: { type: 'enum', values: ['header', 'value', 'none'] }, describe: 'Where each record carries its identity (run, device, sequence, intended send time) for --e2e, verify and observed stages: value (the value\'s own fields, the fastest path), header (one 29-byte stampede.trace Kafka header, which survives a processor that re-encodes the value; CreateTime is then the intended send time; native and null clients), or none (no identity: no integrity check possible) [default: header when a stage is observed or the values carry no identity, else value]', commands: WORKLOAD },
  { name: 'transactional', kind: { type: 'bool' }, default: 'false', describe: 'Transactional producers (native client, --rate max): one transactional.id per producer thread, from a per-run id and the thread index; implies enable.idempotence=true and acks=all; --e2e consumers read with isolation.level=read_committed', commands: WORKLOAD },
  { name: 'transaction-records', kind: { type: 'int', min: 1, max: 100_000_000 }, default: 100_000, describe: 'With --transactional, commit after this many records of a thread, or after --transaction-ms, whichever comes first', commands: WORKLOAD },
  { name: 'transaction-ms', kind: { type: 'duration', minMs: 1 }, default: '100ms', describe: 'With --transactional, commit a thread\'s transaction once it is this old (checked between batches), or after --transaction-records', commands: WORKLOAD },
  { name: 'abort-rate', kind: { type: 'fraction' }, describe: 'With --transactional, abort this share of transactions instead of committing them, e.g. 0.1 (seeded by --seed: the same run aborts the same ones) [default: 0]', commands: WORKLOAD },
  { name: 'metrics-port', kind: { type: 'int', min: 0, max: 65_535 }, describe: 'Serve Prometheus metrics on http://HOST:PORT/metrics during the run, HOST from --metrics-host (0: any free port)', commands: WORKLOAD },
  { name: 'metrics-host', kind: { type: 'string' }, default: '127.0.0.1', describe: 'Address --metrics-port listens on: 127.0.0.1 is this host only; 0.0.0.0 (every interface) lets a Prometheus on another host scrape it, and anyone who reaches this host read it', commands: WORKLOAD },
  { name: 'topic', kind: { type: 'string' }, default: 'stampede-iot', describe: 'Topic to read; it must exist', commands: CONSUME },
  { name: 'group', kind: { type: 'string' }, describe: 'Consumer group id [default: a fresh stampede-consume-<random> group]', commands: CONSUME },
  { name: 'consumers', kind: { type: 'int', min: 1, max: 256 }, default: 1, describe: 'Consumer threads in the group', commands: CONSUME },
  { name: 'from', kind: { type: 'enum', values: ['earliest', 'latest'] }, default: 'earliest', describe: 'Where a group without committed offsets starts', commands: CONSUME },
  { name: 'records', kind: { type: 'int', min: 1, max: Number.MAX_SAFE_INTEGER }, describe: 'Stop after this many records in all; overrides --duration', commands: CONSUME },
  { name: 'duration', kind: { type: 'duration', minMs: 1 }, default: '30s', describe: 'Measured time (ignored when --records is set)', commands: CONSUME },
  { name: 'timeout', kind: { type: 'duration', minMs: 1000 }, default: '10m', describe: 'Upper bound on a --records run', commands: CONSUME },
  { name: 'consumer-props', kind: { type: 'props' }, default: [], describe: 'librdkafka consumer settings k=v, e.g. fetch.min.bytes=1048576 (repeatable)', commands: CONSUME },
  { name: 'format', kind: { type: 'enum', values: ['auto', 'none', ...RECORD_FORMATS] }, default: 'auto', describe: 'Record format for the integrity check (auto: detected on each consumer\'s first batch; records that are not stampede\'s are counted, not decoded); none: count records and bytes without decoding them', commands: CONSUME },
  { name: 'interval', kind: { type: 'duration', minMs: 100, maxMs: 3_600_000 }, default: '1s', describe: 'Live line and interval-row period', commands: CONSUME },
  { name: 'out', kind: { type: 'string' }, describe: 'JSON result path (default results/consume-<time>.json)', commands: CONSUME },
  { name: 'csv', kind: { type: 'string' }, describe: 'Also write the interval rows as CSV here (per-partition counts as p0, p1, …)', commands: CONSUME },
  { name: 'hgrm', kind: { type: 'string' }, describe: 'Also write HdrHistogram .hgrm files (poll interval, record age; values in ms) into this folder', commands: CONSUME },
  { name: 'vary', kind: { type: 'strings' }, default: [], inFile: false, group: 'Sweep:', describe: 'A workload option and the values it takes, NAME=v1,v2,… (repeatable, one option each; values holding a comma are separated by | instead); every point is one full run', commands: ['sweep'] },
  { name: 'zip', kind: { type: 'bool' }, default: 'false', inFile: false, group: 'Sweep:', describe: 'Pair the --vary lists value by value (all the same length) instead of running their cross product', commands: ['sweep'] },
  { name: 'objective', kind: { type: 'enum', values: ['max-throughput', 'min-p99', 'min-cpu'] }, inFile: false, group: 'Sweep:', describe: 'How the best point is named, among the valid points: max-throughput (acked records/s), min-p99 (produce→ack p99) or min-cpu (CPU seconds per million records) [default: max-throughput at --rate max, else min-p99: at a fixed rate every valid point delivers the same records/s]', commands: ['sweep'] },
  { name: 'slo', kind: { type: 'thresholds' }, default: [], group: 'Search:', describe: 'The service-level objective a step must meet, k6 style (repeatable, all must hold): p99<50ms, e2e.p99<200ms, p999<100ms', commands: ['max'] },
  { name: 'floor', kind: { type: 'int', min: 1, max: Number.MAX_SAFE_INTEGER }, group: 'Search:', describe: 'Lowest rate worth asking, records/s; tried first, and when it fails there is no answer (exit 3) [default: 1 % of the measured max]', commands: ['max'] },
  { name: 'step-duration', kind: { type: 'duration', minMs: 1000 }, default: '10s', group: 'Search:', describe: 'Measured time of each step (and of the max-throughput run), after its warmup (--warmup, else 2 s)', commands: ['max'] },
  { name: 'method', kind: { type: 'enum', values: ['bisect', 'steps'] }, default: 'bisect', group: 'Search:', describe: 'bisect: fixed-rate steps halving the bracket between the floor and the max; steps: one stepped run from the floor to the max (--max-steps levels, each --step-duration) finds the knee, then one fixed-rate run at the knee confirms it (a lower level when it does not); this host only', commands: ['max'] },
  { name: 'max-steps', kind: { type: 'int', min: 1, max: 100 }, default: 10, group: 'Search:', describe: 'Fixed-rate steps at most, the floor\'s included', commands: ['max'] },
  { name: 'precision', kind: { type: 'percent', minPct: 0, maxPct: 50 }, default: '5%', group: 'Search:', describe: 'Stop once the rates that passed and failed are this close (% of the failed one)', commands: ['max'] },
  { name: 'topic', kind: { type: 'string' }, describe: 'Topic to check [default: the topic of --expect]', commands: ['verify'] },
  { name: 'expect', kind: { type: 'string' }, describe: 'The run\'s result JSON: every device\'s expected last sequence follows from its plan and sent counts, so losses after a device\'s last record on the topic show too', commands: ['verify'] },
  { name: 'format', kind: { type: 'enum', values: ['auto', ...RECORD_FORMATS] }, default: 'auto', describe: 'auto, iot-msgpack, iot-json or fixed', commands: ['verify'] },
  { name: 'timeout', kind: { type: 'duration', minMs: 1000 }, default: '120s', describe: 'Give up reading after this long', commands: ['verify'] },
  { name: 'out', kind: { type: 'string' }, describe: 'Also write the verdict as JSON here', commands: ['verify'] },
  { name: 'port', kind: { type: 'int', min: 1, max: 65_535 }, default: 9092, describe: 'Broker port on 127.0.0.1; the controller uses port+1', commands: ['broker'] },
  { name: 'heap-mb', kind: { type: 'int', min: 256, max: 65_536 }, default: 1024, describe: 'Broker JVM heap in MiB', commands: ['broker'] },
  { name: 'maven-repo', kind: { type: 'string' }, describe: 'Maven repository to fetch the broker jars from on first use (a mirror of Central on a closed network) [default: $STAMPEDE_MAVEN_REPO, else https://repo1.maven.org/maven2]', commands: ['broker'] },
  { name: 'kafka-from', kind: { type: 'enum', values: ['central', 'maven'] }, default: 'central', describe: 'How the broker jars are got on first use: central (stampede fetches and checks the pinned jars; no Maven needed) or maven (mvn resolves configs/broker/pom.xml)', commands: ['broker'] },
  { name: 'nodes', kind: { type: 'int', min: 1, max: 9 }, default: 3, describe: 'Combined KRaft nodes (broker + controller each), node i on 127.0.0.(10+i); replication factor min(3, nodes), min.insync.replicas 2 from 3 nodes on', commands: ['cluster'] },
  { name: 'port', kind: { type: 'int', min: 1, max: 65_534 }, default: 9092, describe: 'Broker port of every node (each on its own loopback address); the controllers use port+1 (with --network proxy: node i on port+2(i-1) and the next); names the cluster for down and status', commands: ['cluster'] },
  { name: 'network', kind: { type: 'enum', values: ['direct', 'proxy'] }, default: 'direct', describe: 'up: how clients and peers reach the nodes: direct, or proxy (a TCP proxy per listener on 127.0.0.1, node i on port+2(i-1) and the next, so delay-node and partition-node faults can act)', commands: ['cluster'] },
  { name: 'heap-mb', kind: { type: 'int', min: 256, max: 65_536 }, default: 448, describe: 'JVM heap of each node in MiB', commands: ['cluster'] },
  { name: 'json', kind: { type: 'bool' }, default: 'false', describe: 'status: print the nodes, active controller, partition leaders and ISR, and bootstrap as JSON', commands: ['cluster'] },
  { name: 'remove-data', kind: { type: 'bool' }, default: 'false', describe: 'down: also delete the cluster\'s data folder', commands: ['cluster'] },
  { name: 'out', kind: { type: 'string' }, describe: 'Merged JSON path [default: results/run-<time>.json]', commands: ['merge'] },
  { name: 'html', kind: { type: 'string' }, describe: 'Self-contained HTML page (inline SVG charts, no network)', commands: ['report'] },
  { name: 'hgrm', kind: { type: 'string' }, describe: 'Folder for one HdrHistogram .hgrm file per latency kind (values in ms)', commands: ['report'] },
  { name: 'csv', kind: { type: 'string' }, describe: 'CSV of every interval row', commands: ['report'] },
  { name: 'fail-above', kind: { type: 'string' }, default: '10%', describe: 'Largest change for the worse that still passes, in %', commands: ['diff'] },
  { name: 'out', kind: { type: 'string' }, describe: 'Also write the comparison as JSON here', commands: ['diff'] },
] as const satisfies readonly OptionSpec[];

/** Every option name of the commands in C. */
export type OptionNameOf<C extends CommandName> = (typeof OPTION_SPECS)[number] extends infer S ? (S extends { name: infer N; commands: readonly (infer X)[] } ? (C extends X ? N : never) : never) : never;
export type OptionName = OptionNameOf<'run'>;

/** The options of one command, in table order. */
export function specsFor(command: CommandName): readonly OptionSpec[] {
  return (OPTION_SPECS as readonly OptionSpec[]).filter((spec) => spec.commands.includes(command));
}

/** One option of one command. */
export function specOf(command: CommandName, name: string): OptionSpec {
  const spec = specsFor(command).find((candidate) => candidate.name === name);
  if (spec === undefined) throw new Error(`no option --${name} for ${command}`);
  return spec;
}

/** The keys a workload file may hold: `run`'s options, less the flags that name files to read. */
export const OPTION_NAMES: ReadonlySet<string> = new Set(specsFor('run').filter((spec) => spec.inFile !== false).map((spec) => spec.name));
