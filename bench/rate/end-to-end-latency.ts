import { ensureKafkaJars } from '../../src/broker/local.js';
import { kafkaLibsDir } from '../../src/broker/kafka-jars.js';
import { runTool } from '../max/spawn.js';

export interface EndToEndLatencyResult {
  command: string;
  p50Ms: number | null;
  p99Ms: number | null;
  meanMs: number | null;
  error?: string;
}

/**
 * Kafka's own EndToEndLatency (kafka-tools jar): closed loop, one record at a time, send → the
 * consumer's receipt on the same host; it needs a single-partition topic. It prints whole ms.
 */
export async function runEndToEndLatency(bootstrap: string, topic: string, records: number, recordSizeBytes: number, brokerPid: number | undefined): Promise<EndToEndLatencyResult> {
  await ensureKafkaJars();
  const args = ['-Xms256m', '-Xmx512m', '-cp', `${kafkaLibsDir()}/*`, 'org.apache.kafka.tools.EndToEndLatency', '--bootstrap-server', bootstrap, '--topic', topic, '--num-records', String(records), '--producer-acks', '1', '--record-size', String(recordSizeBytes)];
  const command = `java … EndToEndLatency ${args.slice(args.indexOf('--bootstrap-server')).join(' ')}`;
  const outcome = await runTool('java', args, { brokerPid, timeoutMs: 10 * 60_000 });
  // "Avg latency: 1.5300 ms" and "Percentiles: 50th = 1, 99th = 3, 99.9th = 7"
  const mean = /Avg latency: ([\d.]+) ms/.exec(outcome.stdout);
  const percentiles = /Percentiles: 50th = (\d+), 99th = (\d+)/.exec(outcome.stdout);
  if (outcome.code !== 0 || !percentiles) {
    return { command, p50Ms: null, p99Ms: null, meanMs: null, error: `exit ${outcome.code}: ${(outcome.stderr || outcome.stdout).trim().split('\n').slice(-2).join(' | ')}` };
  }
  return { command, p50Ms: Number(percentiles[1]), p99Ms: Number(percentiles[2]), meanMs: mean ? Number(mean[1]) : null };
}
