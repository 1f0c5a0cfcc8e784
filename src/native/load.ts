import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { StampedeError } from '../errors.js';
import { nativeAddonFile, napiPlatform, platformPackage } from '../addon-file.js';
import { projectRoot } from '../paths.js';

export { nativeAddonFile, napiPlatform, platformPackage };

/**
 * Where the addon is: in a checkout, native/ (where `make build` puts it); in an installed package,
 * the platform package beside it in node_modules. The checkout's copy wins, so a developer's own
 * build is what runs.
 */
function findNativeAddon(): string | undefined {
  const checkout = join(projectRoot, 'native', nativeAddonFile);
  if (existsSync(checkout)) return checkout;
  try {
    const manifest = createRequire(join(projectRoot, 'package.json')).resolve(`${platformPackage}/package.json`);
    const installed = join(dirname(manifest), nativeAddonFile);
    return existsSync(installed) ? installed : undefined;
  } catch {
    return undefined;
  }
}

/** The addon this process loads (the checkout's path when there is none, for messages). */
export const nativeAddonPath = findNativeAddon() ?? join(projectRoot, 'native', nativeAddonFile);

/** What one produceBatch call did. */
export interface ProduceOutcome {
  /** records enqueued into librdkafka by this call */
  records: number;
  /** records librdkafka refused for good (not QUEUE_FULL); the addon counted them as failed */
  rejected: number;
  /** byte offset to resume from; the batch length once the whole batch is done */
  nextByte: number;
  /** the call stopped at QUEUE_FULL: backpressure, nothing lost; wait and call again from nextByte */
  queueFull: boolean;
  /** librdkafka's reason for the first rejected record of the call */
  error?: string;
}

/** The napi class of native/src/producer.rs. */
export interface NativeProducer {
  produceBatch(packed: Buffer, fromByte: number, fromIntended?: boolean): ProduceOutcome;
  /**
   * Fixed rate: starts the native pacer, which enqueues each record of a paced batch at its
   * intendedSendUs (never before), measures latency from it, and writes each record's publish
   * delay into `publishDelays` (this worker's region of the publish-delay buffer).
   */
  startPacing(publishDelays: Float64Array, queueBatches?: number): void;
  /** Hands a batch (copied) to the pacer; false when its queue is full (call again shortly). */
  paceBatch(packed: Buffer): boolean;
  /**
   * Blocks up to timeoutMs (the pacer first sends what it holds, each record at its time); true
   * when librdkafka holds no more records (their reports are in the region).
   */
  flush(timeoutMs: number): boolean;
  /** The topic's partition count; throws when no broker answers in time or the topic is missing. */
  fetchTopicMetadata(timeoutMs: number): number;
  readonly lastError: string | null;
  /** Failed records by librdkafka error name (`_MSG_TIMED_OUT`, …): failed deliveries, refusals, and after close the records purged unsent. */
  errorsByCode(): Record<string, number>;
  /** Produce request retries over all brokers (librdkafka statistics `txretries`, as last emitted; 0 without statistics.interval.ms). */
  readonly retries: number;
  /** Joins the delivery-report thread and destroys the producer; idempotent. */
  close(): void;
  /** --transactional (native/src/transactions.rs): registers the config's transactional.id; blocks up to timeoutMs. */
  initTransactions(timeoutMs: number): void;
  beginTransaction(): void;
  /** Waits for the transaction's acks, then commits; 'aborted' when librdkafka made it abort instead. Throws when fenced (fatal). */
  commitTransaction(timeoutMs: number): 'committed' | 'aborted';
  /** Flushes (every record of the transaction acknowledged), then aborts. */
  abortTransaction(timeoutMs: number): void;
}

/** A broker of the cluster, as its metadata names it. */
export interface BrokerInfo {
  id: number;
  host: string;
  port: number;
}

export interface ClusterInfo {
  brokers: BrokerInfo[];
  /** the broker that answered, as librdkafka names it */
  answeredBy: string;
}

export interface TopicState {
  /** false when the cluster does not know the topic */
  exists: boolean;
  partitions: number;
  /** partitions without a leader yet (just created) or with an error */
  leaderless: number;
}

/**
 * The napi class of native/src/admin.rs: librdkafka's admin client. Every call runs off the JS
 * thread; a rejection's message is `<kind>: <reason>`, kind one of unreachable, tls, auth,
 * authorization, kafka (worded for users by src/clients/admin.ts).
 */
export interface NativeAdmin {
  connect(timeoutMs: number): Promise<ClusterInfo>;
  describeTopic(topic: string, timeoutMs: number): Promise<TopicState>;
  /** true when created, false when it already existed; replicationFactor -1 = the broker's default; config: topic settings */
  createTopic(topic: string, partitions: number, replicationFactor: number, config: Record<string, string>, timeoutMs: number): Promise<boolean>;
  /** how many were deleted; unknown topics are skipped */
  deleteTopics(topics: string[], timeoutMs: number): Promise<number>;
  close(): void;
}

/** Low and high watermark of one partition: records in [low, high) are on the broker. */
export interface PartitionWatermarks {
  topic: string;
  partition: number;
  low: number;
  /** the offset the next record will get */
  high: number;
}

/**
 * The napi class of native/src/consumer.rs: a librdkafka group consumer polled from the thread that
 * owns it. Records cross as one packed Buffer per poll (layout: src/clients/native-consumer.ts).
 */
export interface NativeConsumer {
  /**
   * Blocks up to timeoutMs for a first record, then takes what is immediately available, up to
   * maxRecords (≥ 1) in all; null when none arrived. Serves rebalances. Non-fatal consumer errors
   * are skipped (see lastError); a fatal one throws with librdkafka's message.
   */
  poll(maxRecords: number, timeoutMs: number): Buffer | null;
  /** Partitions assigned to this member now, sorted; empty until the group has given it some. */
  assignment(): number[];
  /** Records between this member's positions and the ends its fetches last saw (no broker round trip); -1 while unknown. */
  lag(): number;
  /** The next offset this member reads per assigned partition (past transaction markers and aborted records). */
  positions(): { partition: number; offset: number }[];
  /** Watermarks of every partition of every subscribed topic; throws on timeout or unknown topic. */
  endOffsets(timeoutMs: number): PartitionWatermarks[];
  readonly lastError: string | null;
  /** Pauses fetching from the partitions assigned now (the member stays in the group while it polls); returns how many. */
  pause(): number;
  /** Resumes fetching from the partitions assigned now; returns how many. */
  resume(): number;
  /** Leaves the group and destroys the consumer, joining librdkafka's threads; idempotent. */
  close(): void;
}

/** One record for packConsumedForTest. */
export interface ConsumedRecordForTest {
  key: Buffer;
  value: Buffer;
  partition: number;
  offset: number;
  receivedAtUs: number;
  /** 0 none (the default), 1 CreateTime, 2 LogAppendTime */
  timestampType?: number;
  timestampMs?: number;
  /** raw bytes of a `stampede.trace` header, decoded as poll decodes one */
  traceHeader?: Buffer;
}

/** The addon's exports (native/src/lib.rs, producer.rs, consumer.rs, consumed.rs); the tests' own are test/helpers/native-testing.ts. */
/** One partition of a watched group's topic: the group's committed offset (-1: none yet) and the log-end offset. */
export interface GroupPartitionLag {
  partition: number;
  committed: number;
  end: number;
}

/** The napi class of native/src/group_lag.rs: another group's committed offsets, read without joining it. */
export interface NativeGroupLag {
  /** Committed and log-end offsets of every partition of the topic, off the event loop; rejects naming what did not answer within timeoutMs. */
  read(timeoutMs: number): Promise<GroupPartitionLag[]>;
  close(): void;
}

export interface NativeAddon {
  /**
   * options.traceRunId (8 bytes): `--record-trace header`: batches have the traced layout and every
   * record goes out with a `stampede.trace` header and CreateTime = its intended send time.
   */
  NativeProducer: new (config: Record<string, string>, topic: string, region: Float64Array, options?: { trackLatency?: boolean; traceRunId?: Buffer }) => NativeProducer;
  /**
   * Subscribes to `topics` as a member of config['group.id'] (required). config: librdkafka
   * consumer properties; enable.partition.eof is false unless given. Throws InvalidArg naming a
   * rejected property.
   */
  NativeConsumer: new (config: Record<string, string>, topics: string[]) => NativeConsumer;
  /** librdkafka properties (bootstrap.servers and security settings); throws InvalidArg naming a rejected one. */
  NativeAdmin: new (config: Record<string, string>) => NativeAdmin;
  /** native/src/group_lag.rs: config carries group.id = the group to watch, which it never joins. */
  NativeGroupLag: new (config: Record<string, string>, topic: string) => NativeGroupLag;
  librdkafkaVersion(): string;
  /** librdkafka's builtin.features, comma and space separated: codecs and security mechanisms built in. */
  librdkafkaFeatures(): string;
  /** CPU µs (user + system) the calling thread has used so far (clock_gettime CLOCK_THREAD_CPUTIME_ID); -1 where unavailable. */
  threadCpuMicros(): number;
  /** Packs records with the writer NativeConsumer.poll uses (the tests and the micro suite's consumer benchmarks feed it). */
  packConsumedForTest(records: ConsumedRecordForTest[]): Buffer;
}

let addon: NativeAddon | undefined;

/** Loads the addon once per thread; each worker thread loads its own instance (Node-API is context-aware). */
export function loadNative(): NativeAddon {
  if (addon) return addon;
  if (!existsSync(nativeAddonPath)) {
    throw new StampedeError('E_CLIENT', `the native client for ${napiPlatform()} is missing: no ${platformPackage} package is installed (npm installs it with stampede on the platforms a release builds) and no ${nativeAddonPath} was built (\`make build\` in a checkout)`);
  }
  try {
    addon = createRequire(import.meta.url)(nativeAddonPath) as NativeAddon;
  } catch (err) {
    throw new StampedeError('E_CLIENT', `the native client at ${nativeAddonPath} could not be loaded (${(err as Error).message}): reinstall stampede, or in a checkout rebuild it with \`make build\``, { cause: err });
  }
  return addon;
}
