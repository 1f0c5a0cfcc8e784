import type { RecordTraceMode } from '../records/trace.js';
import type { ModelSpec } from '../models/spec.js';
import type { SchemaEncoderSpec } from '../encodings/value-schema.js';
import type { SubjectStrategy } from '../encodings/subject.js';
import type { ProducerPause } from './parse.js';
import type { FaultSpec } from './faults.js';
import type { PROFILES } from './schema.js';
import type { Threshold } from './thresholds.js';
import type { StageSpec } from './stages.js';
import type { LoadSchedule } from './schedule.js';

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
  /**
   * --stages / --steps: the rate over time. When set, rateRecordsPerSec is its peak (what the plan
   * splits and client queues are sized for) and durationMs its length.
   */
  loadSchedule?: LoadSchedule | undefined;
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
  /** --model, checked: undefined or a `builtin: iot` model is the built-in simulator in --format */
  model: ModelSpec | undefined;
  /** an avro or protobuf model's value schema, checked against its fields (the registry's header is added by prepareRun) */
  valueSchema: SchemaEncoderSpec | undefined;
  /** --schema-registry */
  schemaRegistry: string | undefined;
  /** --subject-strategy (undefined: the connection file's value.subject.name.strategy, else topic) */
  subjectStrategy: SubjectStrategy | undefined;
  recordSizeBytes: number;
  /** --keys: device-id keys, or null keys (sticky partitioner) */
  keys: 'none' | 'device';
  batchRecords: number;
  seed: number;
  trackLatency: boolean;
  /** publish-delay p99 (µs) above which a fixed-rate run is flagged not valid */
  maxPublishDelayUs: number;
  stall: ProducerPause | undefined;
  /** --fault: the faults stampede injects into the local broker or cluster it started, in timeline order */
  faults: FaultSpec[];
  e2e: boolean;
  consumers: number;
  /** --observe: the stream processor's output topics read as stages, in pipeline order */
  stages: StageSpec[];
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
  /** --metrics-host: the address /metrics listens on (loopback unless asked) */
  metricsHost: string;
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
  /** --transactional: producers write in transactions (src/load/transaction-driver.ts) */
  transactional: boolean;
  /** a transaction ends after this many records of its thread… */
  transactionRecords: number;
  /** …or once it is this old (ms), whichever comes first */
  transactionMs: number;
  /** share of transactions aborted on purpose (0 = none) */
  abortRate: number;
  /** --record-trace: where each record carries its identity (src/records/trace.ts) */
  recordTrace: RecordTraceMode;
  /**
   * `header`: the run's id in every record's trace header (16 hex digits), settled once where the
   * workload is resolved so every thread, host and instance of the run writes the same; undefined
   * for value and none. Not an option.
   */
  traceRunId: string | undefined;
}
