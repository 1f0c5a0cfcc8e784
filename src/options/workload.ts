import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { StampedeError } from '../errors.js';
import { parseByKind, type BrokerFault, type Stall } from './parse.js';
import type { Threshold } from '../report/thresholds.js';
import { checkTransactionalWorkload } from './transactions.js';
import { OPTION_NAMES, OPTION_SPECS, PROFILES, type OptionName } from './schema.js';
import { checkConsumerModes } from './consumer-modes.js';

/** A workload with every option checked and in its working unit. */
export interface Workload {
  brokers: string;
  /** --command-config: a Java-style properties file of connection settings */
  commandConfig: string | undefined;
  /** --command-property k=v, over the file */
  commandProperties: Record<string, string>;
  topic: string;
  partitions: number;
  /** undefined = the broker's default.replication.factor */
  replicationFactor: number | undefined;
  /** --topic-config k=v: topic settings when the topic is created */
  topicConfig: Record<string, string>;
  devices: number;
  /** undefined = as fast as the host allows */
  rateRecordsPerSec: number | undefined;
  /** at a fixed rate, the law of the records' intended send times */
  arrival: 'uniform' | 'poisson';
  durationMs: number;
  /** undefined = run for durationMs */
  records: number | undefined;
  timeoutMs: number;
  warmupMs: number;
  workers: number;
  client: 'native' | 'node-rdkafka' | 'null';
  profile: (typeof PROFILES)[number];
  producerProps: Record<string, string>;
  format: 'iot-msgpack' | 'iot-json' | 'fixed';
  recordSizeBytes: number;
  /** --keys: device-id keys, or null keys (sticky partitioner) */
  keys: 'none' | 'device';
  batchRecords: number;
  seed: number;
  trackLatency: boolean;
  /** publish-delay p99 (µs) above which a fixed-rate run is flagged not valid */
  maxPublishDelayUs: number;
  stall: Stall | undefined;
  /** --fault: a crash stampede injects into the local broker it started */
  fault: BrokerFault | undefined;
  e2e: boolean;
  consumers: number;
  drainMs: number;
  /** --backlog: bytes of backlog the paused e2e consumers wait for (undefined: not paused) */
  backlogBytes: number | undefined;
  /** --consumer-churn: add or remove one e2e consumer this often (undefined: no churn) */
  consumerChurnMs: number | undefined;
  intervalMs: number;
  out: string | undefined;
  /** --html: the report page's path; '' = beside the JSON result */
  html: string | undefined;
  /** --hgrm: folder for the .hgrm files */
  hgrm: string | undefined;
  /** --csv: the interval rows' file */
  csv: string | undefined;
  /** --threshold: checked against the result; exit 6 when one fails */
  thresholds: Threshold[];
  /** --metrics-port: Prometheus /metrics during the run (0 = any free port) */
  metricsPort: number | undefined;
  /** The workload file the values came from, if any. */
  workloadFile: string | undefined;
  /** --verbose: per-host live lines */
  verbose: boolean;
  /** --hosts: ssh_config Host names; undefined = this host only */
  hosts: string[] | undefined;
  sshConfig: string | undefined;
  remoteCommand: string;
  /** undefined = the coordinator's working directory */
  remoteDir: string | undefined;
  maxClockSkewUs: number;
  /** --instance-id/--instances (or $JOB_COMPLETION_INDEX/$STAMPEDE_INSTANCES): this process runs one slice */
  instanceId: number | undefined;
  instances: number | undefined;
  runId: string | undefined;
  /** --transactional: producers write in transactions (src/run/transaction-driver.ts) */
  transactional: boolean;
  /** a transaction ends after this many records of its thread… */
  transactionRecords: number;
  /** …or once it is this old (ms), whichever comes first */
  transactionMs: number;
  /** share of transactions aborted on purpose (0 = none) */
  abortRate: number;
}

export type RawOptions = Partial<Record<OptionName, unknown>>;

/**
 * Options that choose commands to run, taken as flags only: a workload file is data (shared,
 * downloaded, generated), so it may say which hosts, not what runs on them or how ssh gets there.
 */
const kFlagOnly: Partial<Record<OptionName, string>> = {
  'remote-command': 'it is the command run on every host',
  'ssh-config': 'an ssh_config runs commands (ProxyCommand, LocalCommand, Match exec)',
};

/** Reads a YAML workload file: a mapping whose keys are option names. */
export function readWorkloadFile(path: string): RawOptions {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new StampedeError('E_WORKLOAD_FILE', `workload file ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0];
    throw new StampedeError('E_WORKLOAD_FILE', `workload file ${path} is not valid YAML: ${reason}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new StampedeError('E_WORKLOAD_FILE', `workload file ${path} must be a mapping of option names to values`);
  }
  for (const key of Object.keys(doc)) {
    if (!OPTION_NAMES.has(key)) {
      throw new StampedeError('E_WORKLOAD_FILE', `workload file ${path}: unknown field "${key}" (known: ${[...OPTION_NAMES].join(', ')})`);
    }
    const flagOnly = kFlagOnly[key as OptionName];
    if (flagOnly !== undefined) {
      throw new StampedeError('E_WORKLOAD_FILE', `workload file ${path}: ${key} is taken as a flag only (--${key}): ${flagOnly}, and a workload file does not run commands`);
    }
  }
  return doc as RawOptions;
}

/**
 * Layers defaults, then the workload file, then flags (flags win), and checks every value once.
 * Errors name the field as the user wrote it.
 */
export function resolveWorkload(fromFile: RawOptions, fromFlags: RawOptions, workloadFile?: string): Workload {
  const resolved = new Map<string, unknown>();
  for (const spec of OPTION_SPECS) {
    const raw = fromFlags[spec.name] ?? fromFile[spec.name] ?? ('default' in spec ? spec.default : undefined);
    const field = fromFlags[spec.name] !== undefined || fromFile[spec.name] === undefined ? `--${spec.name}` : `${workloadFile}: ${spec.name}`;
    resolved.set(spec.name, raw === undefined ? undefined : parseByKind(field, spec.kind, raw));
  }
  const get = <T>(name: OptionName): T => resolved.get(name) as T;
  const workload: Workload = {
    brokers: get('brokers'),
    commandConfig: get('command-config'),
    commandProperties: get('command-property'),
    topic: get('topic'),
    partitions: get('partitions'),
    replicationFactor: get('replication-factor'),
    topicConfig: get('topic-config'),
    devices: get('devices'),
    rateRecordsPerSec: get('rate'),
    arrival: get('arrival'),
    durationMs: get('duration'),
    records: get('records'),
    timeoutMs: get('timeout'),
    warmupMs: get('warmup'),
    workers: get('workers'),
    client: get('client'),
    profile: get('profile'),
    producerProps: get('producer-props'),
    format: get('format'),
    recordSizeBytes: get('record-size'),
    keys: get('keys'),
    batchRecords: get('batch'),
    seed: get('seed'),
    trackLatency: get<string>('latency') === 'on',
    maxPublishDelayUs: get<number>('max-publish-delay') * 1000,
    stall: get('stall'),
    fault: get('fault'),
    e2e: get('e2e'),
    consumers: get('consumers'),
    drainMs: get('drain'),
    backlogBytes: get('backlog'),
    consumerChurnMs: get('consumer-churn'),
    intervalMs: get('interval'),
    out: get('out'),
    html: get('html'),
    hgrm: get('hgrm'),
    csv: get('csv'),
    thresholds: get('threshold'),
    metricsPort: get('metrics-port'),
    workloadFile,
    verbose: get('verbose'),
    hosts: get('hosts'),
    sshConfig: get('ssh-config'),
    remoteCommand: get('remote-command'),
    remoteDir: get('remote-dir'),
    maxClockSkewUs: get<number>('max-clock-skew') * 1000,
    instanceId: get('instance-id'),
    instances: get('instances'),
    runId: get('run-id'),
    transactional: get('transactional'),
    transactionRecords: get('transaction-records'),
    transactionMs: get('transaction-ms'),
    abortRate: get<number | undefined>('abort-rate') ?? 0,
  };
  checkTransactionalWorkload(workload, get('abort-rate') !== undefined);
  return checkConsumerModes(workload);
}
