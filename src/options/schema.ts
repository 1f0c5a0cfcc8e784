/**
 * The one declaration of every workload option: its type, default and help text. The CLI flags,
 * the workload-file validation and `--help` are all derived from this table, so they cannot drift.
 * Names are kebab-case as users type them, in flags and in YAML alike.
 */
export type OptionKind =
  | { type: 'string' }
  | { type: 'int'; min: number; max?: number }
  | { type: 'rate' } // a positive integer of records/s, or "max"
  | { type: 'duration'; minMs: number } // "30s", "500ms", "2m", or a number of seconds
  | { type: 'enum'; values: readonly string[] }
  | { type: 'props' } // repeated k=v pairs
  | { type: 'stall' }
  | { type: 'fault' } // "broker-restart@<duration>[:<duration>]"
  | { type: 'list' } // comma-separated names, or a YAML list
  | { type: 'bool' } // true/false, on/off, yes/no; a bare flag is true // "<duration>@<duration>": pause that long, once, that long after the start
  | { type: 'optional-path' } // a path, or a bare flag for "beside the JSON result"
  | { type: 'thresholds' } // repeated k6-style thresholds (src/report/thresholds.ts), a YAML list in a file
  | { type: 'bytes'; min: number } // "2GB", "20MB", "512KiB", or a number of bytes
  | { type: 'fraction' }; // a share from 0 to 1, such as 0.1

export interface OptionSpec {
  readonly name: string;
  readonly kind: OptionKind;
  readonly describe: string;
  /** As a user would type it; undefined means "not set". */
  readonly default?: string | number | readonly string[];
}

export const RECORD_FORMATS = ['iot-msgpack', 'iot-json', 'fixed'] as const;
export const CLIENTS = ['native', 'node-rdkafka', 'null'] as const;
export const PROFILES = ['throughput', 'latency', 'balanced', 'exactly-once'] as const;

export const OPTION_SPECS = [
  { name: 'brokers', kind: { type: 'string' }, default: '127.0.0.1:9092', describe: 'Bootstrap brokers, host:port[,host:port…]' },
  { name: 'command-config', kind: { type: 'string' }, describe: 'Connection settings file (Java .properties, as Kafka\'s tools take: security.protocol, sasl.*, ssl.*, client.id), applied to every client: admin, producers, e2e consumers' },
  { name: 'command-property', kind: { type: 'props' }, default: [], describe: 'One connection setting k=v over --command-config (repeatable)' },
  { name: 'topic', kind: { type: 'string' }, default: 'stampede-iot', describe: 'Topic to produce to; created when missing' },
  { name: 'partitions', kind: { type: 'int', min: 1, max: 100_000 }, default: 6, describe: 'Partitions when the topic is created' },
  { name: 'replication-factor', kind: { type: 'int', min: 1, max: 32_767 }, describe: 'Replication factor when the topic is created [default: the broker\'s]' },
  { name: 'topic-config', kind: { type: 'props' }, default: [], describe: 'Topic setting k=v when the topic is created, e.g. retention.ms=3600000, min.insync.replicas=2 (repeatable)' },
  { name: 'devices', kind: { type: 'int', min: 1, max: 100_000_000 }, default: 100_000, describe: 'Simulated IoT devices (ids 0..devices-1)' },
  { name: 'rate', kind: { type: 'rate' }, default: 'max', describe: 'Records/s in total across workers, or "max"' },
  { name: 'arrival', kind: { type: 'enum', values: ['uniform', 'poisson'] }, default: 'uniform', describe: 'At a fixed --rate, when records are due: uniform (gaps of exactly 1/rate) or poisson (seeded exponential gaps of mean 1/rate, as independent devices send)' },
  { name: 'duration', kind: { type: 'duration', minMs: 1 }, default: '30s', describe: 'Measured time after warmup (ignored when --records is set)' },
  { name: 'records', kind: { type: 'int', min: 1, max: Number.MAX_SAFE_INTEGER }, describe: 'Exact total records to send; overrides --duration' },
  { name: 'timeout', kind: { type: 'duration', minMs: 1000 }, default: '10m', describe: 'Upper bound on a --records run, warmup and drain included' },
  { name: 'warmup', kind: { type: 'duration', minMs: 0 }, default: '0s', describe: 'Time sent but left out of rates and latency' },
  { name: 'workers', kind: { type: 'int', min: 1, max: 1024 }, default: 1, describe: 'Producer worker threads' },
  { name: 'client', kind: { type: 'enum', values: CLIENTS }, default: 'native', describe: 'Producer client: native (librdkafka, any number of threads), node-rdkafka (main thread only), null (in-process sink, no broker)' },
  { name: 'profile', kind: { type: 'enum', values: PROFILES }, default: 'throughput', describe: 'librdkafka settings file from configs/profiles/' },
  { name: 'producer-props', kind: { type: 'props' }, default: [], describe: 'librdkafka property overrides, k=v (repeatable)' },
  { name: 'format', kind: { type: 'enum', values: RECORD_FORMATS }, default: 'iot-msgpack', describe: 'Record value format' },
  { name: 'record-size', kind: { type: 'int', min: 32, max: 10_000_000 }, default: 100, describe: 'Value size in bytes for --format fixed' },
  { name: 'keys', kind: { type: 'enum', values: ['none', 'device'] }, default: 'device', describe: 'Record keys: device (the device id, so a device\'s records share a partition and keep their order) or none (null keys, spread by librdkafka\'s sticky partitioner as rdkafka_performance and ProducerPerformance send; order per device is then not checked)' },
  { name: 'batch', kind: { type: 'int', min: 1, max: 1_000_000 }, default: 1000, describe: 'Records a worker builds per batch' },
  { name: 'latency', kind: { type: 'enum', values: ['on', 'off'] }, default: 'on', describe: 'Record produce→ack latency (off: to measure what recording costs)' },
  { name: 'e2e', kind: { type: 'bool' }, default: 'false', describe: 'Also consume the run\'s records: end-to-end latency, lost/duplicate/out-of-order records, lag, partition balance' },
  { name: 'consumers', kind: { type: 'int', min: 1, max: 256 }, default: 1, describe: 'Consumer threads of the --e2e consumer group' },
  { name: 'drain', kind: { type: 'duration', minMs: 0 }, default: '15s', describe: 'With --e2e, how long consumers may take to catch up after producers stop' },
  { name: 'backlog', kind: { type: 'bytes', min: 1 }, describe: 'With --e2e: keep the consumers paused until the producers have built this much backlog (e.g. 2GB; KB/MB/GB = 10^3/10^6/10^9, KiB/MiB/GiB = 2^10/2^20/2^30), then resume them while producing goes on; reports the drain rate and the time until lag is under one interval\'s worth' },
  { name: 'consumer-churn', kind: { type: 'duration', minMs: 1000 }, describe: 'With --e2e: add or remove one consumer every this long while producing; reports each rebalance\'s pause and the e2e latency around it' },
  { name: 'max-publish-delay', kind: { type: 'duration', minMs: 0 }, default: '10ms', describe: 'At a fixed --rate, a publish-delay p99 above this marks the run not valid at that rate' },
  { name: 'stall', kind: { type: 'stall' }, describe: 'Fault injection: each producer pauses once, e.g. 500ms@2s = 500 ms, 2 s after the start' },
  { name: 'fault', kind: { type: 'fault' }, describe: 'Fault injection on the local broker stampede started (stampede broker up): broker-restart@10s:5s = kill -9 10 s after the start, restart 5 s later [default down time: 5s]' },
  { name: 'seed', kind: { type: 'int', min: 0, max: 2 ** 32 - 1 }, default: 1, describe: 'Seed of the device simulator' },
  { name: 'interval', kind: { type: 'duration', minMs: 100 }, default: '1s', describe: 'Live line and interval-row period' },
  { name: 'out', kind: { type: 'string' }, describe: 'JSON result path (default results/run-<time>.json)' },
  { name: 'verbose', kind: { type: 'bool' }, default: 'false', describe: 'With --hosts, also one live line per host each interval' },
  { name: 'hosts', kind: { type: 'list' }, describe: 'Run on these hosts: Host names of the ssh config, a,b,c (one agent each, --workers threads each)' },
  { name: 'ssh-config', kind: { type: 'string' }, describe: 'ssh_config file naming the --hosts; a flag only, not taken from a workload file [default: ssh\'s own, ~/.ssh/config]' },
  { name: 'remote-command', kind: { type: 'string' }, default: 'npx --no-install stampede', describe: 'How stampede is started on each host (run in --remote-dir); a flag only, not taken from a workload file' },
  { name: 'remote-dir', kind: { type: 'string' }, describe: 'Directory the agent runs in on each host [default: this working directory]' },
  { name: 'max-clock-skew', kind: { type: 'duration', minMs: 0 }, default: '1ms', describe: 'With --hosts, flag end-to-end latency when the measured clock-offset bound exceeds this' },
  { name: 'instance-id', kind: { type: 'int', min: 0, max: 99_999 }, describe: 'Run slice I of --instances (no ssh; e.g. a Kubernetes Indexed Job) [default: $JOB_COMPLETION_INDEX]' },
  { name: 'instances', kind: { type: 'int', min: 1, max: 100_000 }, describe: 'Instances the run is split into, for --instance-id [default: $STAMPEDE_INSTANCES]' },
  { name: 'run-id', kind: { type: 'string' }, describe: 'Names one run across --instances, checked by stampede merge [default: $STAMPEDE_RUN_ID, else the workload\'s fingerprint]' },
  { name: 'html', kind: { type: 'optional-path' }, describe: 'Also write a self-contained HTML report (charts, settings) here; bare --html puts it beside the JSON result' },
  { name: 'hgrm', kind: { type: 'string' }, describe: 'Also write one HdrHistogram .hgrm percentile file per latency kind into this folder (values in ms)' },
  { name: 'csv', kind: { type: 'string' }, describe: 'Also write the interval rows as CSV here' },
  { name: 'threshold', kind: { type: 'thresholds' }, default: [], describe: 'Pass/fail check, k6 style (repeatable): p99<50ms, e2e.p999<200ms, delay.p99<5ms, rate>=400000, lost==0; exit 6 when one fails' },
  { name: 'transactional', kind: { type: 'bool' }, default: 'false', describe: 'Transactional producers (native client, --rate max): one transactional.id per producer thread, from a per-run id and the thread index; implies enable.idempotence=true and acks=all; --e2e consumers read with isolation.level=read_committed' },
  { name: 'transaction-records', kind: { type: 'int', min: 1, max: 100_000_000 }, default: 100_000, describe: 'With --transactional, commit after this many records of a thread, or after --transaction-ms, whichever comes first' },
  { name: 'transaction-ms', kind: { type: 'duration', minMs: 1 }, default: '100ms', describe: 'With --transactional, commit a thread\'s transaction once it is this old (checked between batches), or after --transaction-records' },
  { name: 'abort-rate', kind: { type: 'fraction' }, describe: 'With --transactional, abort this share of transactions instead of committing them, e.g. 0.1 (seeded by --seed: the same run aborts the same ones) [default: 0]' },
  { name: 'metrics-port', kind: { type: 'int', min: 0, max: 65_535 }, describe: 'Serve Prometheus metrics on http://0.0.0.0:PORT/metrics during the run (0: any free port)' },
] as const satisfies readonly OptionSpec[];

export type OptionName = (typeof OPTION_SPECS)[number]['name'];
export const OPTION_NAMES: ReadonlySet<string> = new Set(OPTION_SPECS.map((spec) => spec.name));
