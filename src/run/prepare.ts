import { withClusterAdmin } from '../clients/admin.js';
import { MAIN_THREAD_CLIENTS } from '../clients/create.js';
import { librdkafkaSettings, withFixedRateHeadroom } from '../clients/librdkafka-settings.js';
import { resolveConnection, type Connection } from '../connection/config.js';
import { fitBatch } from '../options/batch-budget.js';
import { planShards, type Shard } from '../plan/shard.js';
import { transactionalSettings } from '../options/transactions.js';
import type { RunResult } from '../contracts/result.js';
import type { Workload } from '../options/workload-shape.js';
import { strategyFromProperties } from '../encodings/subject.js';
import { registerValueSchema, type PlannedSchema, type SchemaEncoderSpec } from '../encodings/value-schema.js';

/** What the first phase settles before any thread starts. */
export interface Prepared {
  /** Producer threads this run uses (1 for a main-thread client). */
  workers: number;
  /** The client must run on the main thread (node-rdkafka is not context-aware). */
  inline: boolean;
  plan: Shard[];
  /** null for the null client, which talks to no broker. */
  connection: Connection | null;
  /** The producers' librdkafka settings: profile, connection, --producer-props. */
  librdkafka: Record<string, string>;
  topic: RunResult['topic'];
  /** An avro or protobuf model's schema as the threads use it: with the registry's header when --schema-registry registered it. */
  valueSchema: SchemaEncoderSpec | undefined;
}

/**
 * Phase 1: the connection settings every client shares, the plan, and the topic — created when
 * missing. This is also the reachability, TLS and login check: a cluster stampede cannot use fails
 * here with one line naming the cause, before any thread starts.
 */
/** What the prepare phase reads of the workload: how to connect, the topic, the producers' settings and the plan's inputs. */
export type PrepareInput = Pick<Workload, 'brokers' | 'commandConfig' | 'commandProperties' | 'topic' | 'partitions' | 'replicationFactor' | 'topicConfig' | 'client' | 'workers' | 'profile' | 'producerProps' | 'transactional' | 'devices' | 'records' | 'rateRecordsPerSec' | 'format' | 'recordSizeBytes' | 'batchRecords' | 'valueSchema' | 'schemaRegistry' | 'subjectStrategy'>;

export async function prepareRun(workload: PrepareInput, notice: (text: string) => void): Promise<Prepared> {
  // node-rdkafka is not context-aware and dispatches delivery reports on the process's main loop:
  // in a worker thread it aborts V8 ("Entering the V8 API without proper locking"), so it produces
  // from the main thread, and only from one.
  const inline = MAIN_THREAD_CLIENTS.has(workload.client);
  const workers = inline ? 1 : workload.workers;
  const plan = planShards({ firstDevice: 0, devices: workload.devices, parts: workers, records: workload.records, rateRecordsPerSec: workload.rateRecordsPerSec });
  const batchNotice = fitBatch(workload).notice;
  if (batchNotice !== null) notice(batchNotice);
  const connect = (): Connection => resolveConnection({ brokers: workload.brokers, commandConfig: workload.commandConfig, commandProperties: workload.commandProperties });
  if (workload.client === 'null') {
    const valueSchema = workload.schemaRegistry === undefined ? workload.valueSchema : await registeredValueSchema(workload, connect(), notice);
    return { workers, inline, plan, connection: null, librdkafka: {}, topic: null, valueSchema };
  }

  const connection = connect();
  for (const line of connection.notices) notice(line);
  // Before the topic is created: a registry that refuses the schema leaves nothing behind.
  const valueSchema = await registeredValueSchema(workload, connection, notice);
  const profiled = librdkafkaSettings(workload.profile, workload.producerProps, connection.settings);
  const settings = workload.rateRecordsPerSec === undefined ? profiled : withFixedRateHeadroom(profiled, workload.producerProps, workload.rateRecordsPerSec / workers);
  const librdkafka = workload.transactional ? transactionalSettings(settings) : settings;
  const ensured = await withClusterAdmin(connection, (admin) =>
    admin.ensureTopic({ topic: workload.topic, partitions: workload.partitions, config: workload.topicConfig, ...(workload.replicationFactor === undefined ? {} : { replicationFactor: workload.replicationFactor }) }),
  );
  const topic = { name: workload.topic, partitions: ensured.partitions, created: ensured.created };
  if (!ensured.created && ensured.partitions !== workload.partitions) {
    notice(`topic ${workload.topic} already exists with ${ensured.partitions} partitions; --partitions ${workload.partitions} applies only when it is created`);
  }
  const creationOnly = [workload.replicationFactor === undefined ? [] : ['--replication-factor'], Object.keys(workload.topicConfig).length === 0 ? [] : ['--topic-config']].flat();
  if (!ensured.created && creationOnly.length > 0) notice(`topic ${workload.topic} already exists: ${creationOnly.join(' and ')} apply only when it is created`);
  if (inline) {
    notice(`${workload.client} is not context-aware and must run on the main thread: this run uses 1 producer thread` + (workload.workers > 1 ? ` instead of ${workload.workers}` : ''));
  }
  return { workers, inline, plan, connection, librdkafka, topic, valueSchema };
}

/** With --schema-registry: the value schema registered once, here, before any thread produces; its id goes into every value's header. */
async function registeredValueSchema(workload: PrepareInput, connection: Connection, notice: (text: string) => void): Promise<SchemaEncoderSpec | undefined> {
  if (workload.valueSchema === undefined || workload.schemaRegistry === undefined) return workload.valueSchema;
  const registry = connection.registry ?? {};
  const strategy = workload.subjectStrategy ?? strategyFromProperties(registry) ?? 'topic';
  const registered = await registerValueSchema(workload.valueSchema as PlannedSchema, { url: workload.schemaRegistry, topic: workload.topic, strategy, registrySettings: registry, kafkaSettings: connection.settings });
  notice(`schema registry: ${workload.valueSchema.kind} schema registered under subject "${registered.subject}" as id ${registered.schemaId}`);
  return registered.spec;
}
