import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { StampedeError } from '../errors.js';
import { parseByKind, type BrokerFault, type ProducerPause } from './parse.js';
import type { Threshold } from './thresholds.js';
import type { FaultSpec } from './faults.js';
import { checkTransactionalWorkload } from './transactions.js';
import { checkRecordTrace, defaultRecordTrace, traceRunIdOf } from './record-trace.js';
import type { RecordTraceMode } from '../records/trace.js';
import { OPTION_NAMES, PROFILES, specsFor, type OptionName } from './schema.js';
import { checkConsumerModes } from './consumer-modes.js';
import type { Workload } from './workload-shape.js';
import { checkStageTraces, resolveStages, type StageEntry } from './stages.js';
import { checkModelWorkload, generatedModelOf, modelOf } from './model.js';
import { modelCarriesIdentity } from '../models/identity.js';
import { valueSchemaOf } from './value-schema.js';
import type { SubjectStrategy } from '../encodings/subject.js';
import { applyLoadSchedule } from './schedule-workload.js';

export type RawOptions = Partial<Record<OptionName, unknown>>;

/**
 * Options that choose commands to run, taken as flags only: a workload file is data (shared,
 * downloaded, generated), so it may say which hosts, not what runs on them or how ssh gets there.
 */
const kFlagOnly: Partial<Record<OptionName, string>> = {
  'remote-command': 'it is the command run on every host',
  'ssh-config': 'an ssh_config runs commands (ProxyCommand, LocalCommand, Match exec)',
};

/** librdkafka settings that load a library or run a command: a workload file may not set them (flags may). */
const kCodeRunningProperties: Readonly<Record<string, string>> = {
  'plugin.library.paths': 'it loads libraries into stampede',
  'sasl.kerberos.kinit.cmd': 'it is a command librdkafka runs',
  'ssl.engine.location': 'it loads an OpenSSL engine library',
};

/** The setting names of a k=v list or a YAML mapping, as parseProps reads them. */
function propertyNames(raw: unknown): string[] {
  const entries = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return entries.flatMap((entry) => (entry !== null && typeof entry === 'object' ? Object.keys(entry) : [String(entry).split('=')[0]!.trim()]));
}

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
  // A timeline of several faults reads best as `faults:`, a list; `fault:` is the flag's own name.
  const fields = doc as Record<string, unknown>;
  if ('faults' in fields) {
    if ('fault' in fields) throw new StampedeError('E_WORKLOAD_FILE', `workload file ${path}: give faults or fault, not both`);
    fields['fault'] = fields['faults'];
    delete fields['faults'];
  }
  for (const key of Object.keys(doc)) {
    if (!OPTION_NAMES.has(key)) {
      throw new StampedeError('E_WORKLOAD_FILE', `workload file ${path}: unknown field "${key}" (known: ${[...OPTION_NAMES].join(', ')})`);
    }
    const flagOnly = kFlagOnly[key as OptionName];
    if (flagOnly !== undefined) {
      throw new StampedeError('E_WORKLOAD_FILE', `workload file ${path}: ${key} is taken as a flag only (--${key}): ${flagOnly}, and a workload file does not run commands`);
    }
    if (key === 'producer-props' || key === 'command-property') {
      const name = propertyNames((doc as Record<string, unknown>)[key]).find((property) => kCodeRunningProperties[property] !== undefined);
      if (name !== undefined) throw new StampedeError('E_WORKLOAD_FILE', `workload file ${path}: ${key} ${name} is taken as a flag only (--${key} ${name}=…): ${kCodeRunningProperties[name]}, and a workload file does not run commands`);
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
  for (const spec of specsFor('run')) {
    if (spec.inFile === false) continue; // the workload file's own path, read before this
    const name = spec.name as OptionName;
    const raw = fromFlags[name] ?? fromFile[name] ?? spec.default;
    const field = fromFlags[name] !== undefined || fromFile[name] === undefined ? `--${name}` : `${workloadFile}: ${name}`;
    resolved.set(name, raw === undefined ? undefined : parseByKind(field, spec.kind, raw));
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
    model: modelOf(get<string | undefined>('model')),
    valueSchema: undefined,
    schemaRegistry: get<string | undefined>('schema-registry'),
    subjectStrategy: get<SubjectStrategy | undefined>('subject-strategy'),
    recordSizeBytes: get('record-size'),
    keys: get('keys'),
    batchRecords: get('batch'),
    seed: get('seed'),
    trackLatency: get<string>('latency') === 'on',
    maxPublishDelayUs: get<number>('max-publish-delay') * 1000,
    stall: get('stall'),
    faults: [...get<FaultSpec[]>('fault')].sort((a, b) => a.atMs - b.atMs),
    e2e: get('e2e'),
    consumers: get('consumers'),
    stages: resolveStages(get<StageEntry[]>('observe'), get<string[]>('trace'), get<string[]>('processor-group')),
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
    metricsHost: get('metrics-host'),
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
    // No schema default: what is right depends on the run (see defaultRecordTrace); observed
    // stages want the header, as a processor may re-encode the value.
    recordTrace: 'value',
    traceRunId: undefined,
  };
  workload.recordTrace = get<RecordTraceMode | undefined>('record-trace') ?? defaultTrace(workload.client, get<StageEntry[]>('observe').length, workload);
  checkRecordTrace(workload);
  checkStageTraces(workload);
  workload.traceRunId = traceRunIdOf(workload);
  applyLoadSchedule(workload, get('stages'), get('steps'), (name) => fromFlags[name] !== undefined || fromFile[name] !== undefined);
  checkTransactionalWorkload(workload, get('abort-rate') !== undefined);
  checkModelWorkload(workload);
  workload.valueSchema = valueSchemaOf(workload);
  return checkConsumerModes(workload);
}

/**
 * node-rdkafka cannot write the binary header: its runs keep the value's own fields. A device model
 * whose value lacks its identity (device, seq and a µs time field) gets the header.
 */
function defaultTrace(client: Workload['client'], observedStages: number, workload: Pick<Workload, 'model'>): Workload['recordTrace'] {
  if (client === 'node-rdkafka') return 'value';
  const model = generatedModelOf(workload);
  return defaultRecordTrace({ observedStages, modelCarriesIdentity: model === undefined || modelCarriesIdentity(model) });
}
