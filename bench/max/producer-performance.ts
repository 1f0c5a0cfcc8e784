import { ensureKafkaJars } from '../../src/broker/local.js';
import { kafkaLibsDir } from '../../src/broker/kafka-jars.js';
import { runTool } from './spawn.js';
import type { BenchMaxSettings, ToolResult } from './types.js';

/** librdkafka names → Java producer names, for the settings both clients have. */
const javaNames: Record<string, string> = {
  acks: 'acks',
  'linger.ms': 'linger.ms',
  'batch.size': 'batch.size',
  'compression.type': 'compression.type',
  'enable.idempotence': 'enable.idempotence',
};

/** Kafka's own ProducerPerformance (kafka-producer-perf-test) from the kafka-tools jar. */
export async function runProducerPerformance(settings: BenchMaxSettings, topic: string, records: number): Promise<ToolResult> {
  await ensureKafkaJars();
  const props = [`bootstrap.servers=${settings.bootstrap}`];
  for (const [key, value] of Object.entries(settings.librdkafka)) {
    const javaName = javaNames[key];
    if (javaName) props.push(`${javaName}=${value}`);
  }
  // The Java producer's buffer is bytes, not messages: give it as much room as librdkafka's queue.
  const queueKbytes = Number(settings.librdkafka['queue.buffering.max.kbytes'] ?? 1048576);
  props.push(`buffer.memory=${Math.min(queueKbytes * 1024, 2 ** 31 - 1)}`);
  const args = [
    '-Xms1g',
    '-Xmx1g',
    '-cp',
    `${kafkaLibsDir()}/*`,
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    topic,
    '--num-records',
    String(records),
    '--record-size',
    String(settings.recordSizeBytes),
    '--throughput',
    '-1',
    '--producer-props',
    ...props,
  ];
  const command = `java … ProducerPerformance ${args.slice(args.indexOf('--topic')).join(' ')}`;
  const outcome = await runTool('java', args, { brokerPid: settings.brokerPid, timeoutMs: 10 * 60_000 });
  // "N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, P50 ms 50th, P95 ms 95th, P99 ms 99th, P999 ms 99.9th."
  const summary = /(\d+) records sent, ([\d.]+) records\/sec \([\d.]+ MB\/sec\), [\d.]+ ms avg latency, [\d.]+ ms max latency, (\d+) ms 50th, \d+ ms 95th, (\d+) ms 99th/.exec(outcome.stdout);
  const base = { tool: 'Kafka ProducerPerformance (Java)', command, wallMs: outcome.wallMs, cpu: outcome.cpu };
  if (outcome.code !== 0 || !summary) {
    return { ...base, recordsPerSec: 0, mbPerSec: 0, p50Ms: null, p99Ms: null, records: 0, error: `exit ${outcome.code}: ${(outcome.stderr || outcome.stdout).trim().split('\n').slice(-2).join(' | ')}` };
  }
  const recordsPerSec = Number(summary[2]);
  return {
    ...base,
    recordsPerSec: Math.round(recordsPerSec),
    mbPerSec: Math.round((recordsPerSec * settings.recordSizeBytes) / 1e4) / 100,
    p50Ms: Number(summary[3]),
    p99Ms: Number(summary[4]),
    records: Number(summary[1]),
  };
}
