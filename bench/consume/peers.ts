import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kafkaLibsDir } from '../../src/broker/kafka-jars.js';
import { projectRoot } from '../../src/paths.js';
import type { ConsumeResult } from '../../src/contracts/consume-result.js';
import { buildRdkafkaPerformance } from '../max/rdkafka-performance.js';
import { runTool } from '../max/spawn.js';

/** One tool's read of the whole topic: its own reported rate, and its own process's CPU. */
export interface ConsumeRound {
  tool: string;
  command: string;
  records: number;
  /** the tool's own figure: stampede's measured window (from the first assignment), ConsumerPerformance's fetch.nMsg.sec (after its rebalance) */
  recordsPerSec: number;
  wallMs: number;
  /** user + system CPU seconds of the tool's process over its whole life (start-up and group join included) */
  cpuSeconds: number;
  cpuSecondsPerMillion: number;
  brokerCores: number | null;
  error?: string;
}

const perMillion = (cpuSeconds: number, records: number): number => (records > 0 ? Math.round((cpuSeconds / records) * 1e6 * 1000) / 1000 : 0);

/** A `stampede consume` read: which build, what it checks, and librdkafka settings beyond its defaults. */
export interface StampedeConsumeOptions {
  bootstrap: string;
  brokerPid: number;
  topic: string;
  records: number;
  /** none counts only (as the peer does), auto also checks integrity */
  format: 'none' | 'auto';
  out: string;
  /** another built checkout to run instead of this one (shown as "baseline") */
  root?: string;
  /** --consumer-props k=v pairs (shown in the tool's name) */
  consumerProps?: string[];
  /** run under this command (e.g. perf record …), the tool's own command appended */
  wrapper?: string[];
}

/** `stampede consume` in a fresh group from the earliest offset. */
export async function runStampedeConsume(options: StampedeConsumeOptions): Promise<ConsumeRound> {
  const props = (options.consumerProps ?? []).flatMap((pair) => ['--consumer-props', pair]);
  const args = [join(options.root ?? projectRoot, 'bin', 'stampede.js'), 'consume', '--brokers', options.bootstrap, '--topic', options.topic, '--records', String(options.records), '--format', options.format, '--timeout', '5m', ...props, '--out', options.out];
  const [command, ...commandArgs] = [...(options.wrapper ?? []), process.execPath, ...args];
  const outcome = await runTool(command!, commandArgs, { brokerPid: options.brokerPid, timeoutMs: 6 * 60_000 });
  const cpuSeconds = outcome.cpu.toolCores * (outcome.wallMs / 1000);
  const tool = `${options.root ? 'baseline: ' : ''}stampede consume --format ${options.format}${options.consumerProps?.length ? ` ${options.consumerProps.join(' ')}` : ''}`;
  const base = { tool, command: `stampede ${args.slice(1).join(' ')}`, wallMs: outcome.wallMs, cpuSeconds: Math.round(cpuSeconds * 100) / 100, brokerCores: outcome.cpu.brokerCores };
  if (outcome.code !== 0) return { ...base, records: 0, recordsPerSec: 0, cpuSecondsPerMillion: 0, error: `exit ${outcome.code}: ${outcome.stderr.trim().split('\n').slice(-2).join(' | ')}` };
  const result = JSON.parse(readFileSync(options.out, 'utf8')) as ConsumeResult;
  return { ...base, records: result.totals.consumed, recordsPerSec: Math.round(result.totals.recordsPerSec), cpuSecondsPerMillion: perMillion(cpuSeconds, result.totals.consumed) };
}

/** Kafka's ConsumerPerformance (kafka-consumer-perf-test) from the kafka-tools jar, in a fresh group. */
export async function runConsumerPerformance(options: { bootstrap: string; brokerPid: number; topic: string; records: number; group: string }): Promise<ConsumeRound> {
  const args = ['-Xms512m', '-Xmx1g', '-cp', `${kafkaLibsDir()}/*`, 'org.apache.kafka.tools.ConsumerPerformance', '--bootstrap-server', options.bootstrap, '--topic', options.topic, '--num-records', String(options.records), '--group', options.group, '--timeout', '60000'];
  const outcome = await runTool('java', args, { brokerPid: options.brokerPid, timeoutMs: 6 * 60_000 });
  const cpuSeconds = outcome.cpu.toolCores * (outcome.wallMs / 1000);
  const base = { tool: 'Kafka ConsumerPerformance (Java)', command: `java … ConsumerPerformance ${args.slice(args.indexOf('--bootstrap-server')).join(' ')}`, wallMs: outcome.wallMs, cpuSeconds: Math.round(cpuSeconds * 100) / 100, brokerCores: outcome.cpu.brokerCores };
  // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
  const line = outcome.stdout.trim().split('\n').filter((text) => /^\d{4}-/.test(text)).pop();
  const fields = line?.split(',').map((field) => field.trim());
  if (outcome.code !== 0 || !fields || fields.length < 10) return { ...base, records: 0, recordsPerSec: 0, cpuSecondsPerMillion: 0, error: `exit ${outcome.code}: ${(outcome.stderr || outcome.stdout).trim().split('\n').slice(-2).join(' | ')}` };
  const records = Number(fields[4]);
  return { ...base, records, recordsPerSec: Math.round(Number(fields[9])), cpuSecondsPerMillion: perMillion(cpuSeconds, records) };
}

/**
 * librdkafka's own C benchmark as a consumer (`rdkafka_performance -G`: the high-level consumer,
 * one rd_kafka_consumer_poll per message, as stampede's native poll does), in a fresh group from the
 * earliest offset. The C peer shows what librdkafka itself reaches on this broker and host, so a
 * gap to ConsumerPerformance splits into librdkafka's share and stampede's own. It gets stampede's
 * fetch.queue.backoff.ms (10 ms; librdkafka's default of 1000 ms idles a fast consumer, see
 * README), so both read with the same library settings.
 */
export async function runRdkafkaPerformanceConsume(options: { bootstrap: string; brokerPid: number; topic: string; records: number; group: string }): Promise<ConsumeRound> {
  const args = ['-G', options.group, '-t', options.topic, '-b', options.bootstrap, '-c', String(options.records), '-X', 'auto.offset.reset=earliest', '-X', 'fetch.queue.backoff.ms=10', '-q'];
  const outcome = await runTool(buildRdkafkaPerformance(), args, { brokerPid: options.brokerPid, timeoutMs: 6 * 60_000 });
  const cpuSeconds = outcome.cpu.toolCores * (outcome.wallMs / 1000);
  const base = { tool: 'rdkafka_performance -G (C)', command: `rdkafka_performance ${args.join(' ')}`, wallMs: outcome.wallMs, cpuSeconds: Math.round(cpuSeconds * 100) / 100, brokerCores: outcome.cpu.brokerCores };
  const summary = parseRdkafkaConsumeSummary(outcome.stdout);
  if (outcome.code !== 0 || !summary) return { ...base, records: 0, recordsPerSec: 0, cpuSecondsPerMillion: 0, error: `exit ${outcome.code}: ${(outcome.stderr || outcome.stdout).trim().split('\n').slice(-2).join(' | ')}` };
  return { ...base, ...summary, cpuSecondsPerMillion: perMillion(cpuSeconds, summary.records) };
}

/**
 * rdkafka_performance's consumer summary, "% N messages (B bytes) consumed in T ms: R msgs/s (M MB/s)",
 * printed every second and at the end (the last is the whole run's; T counts from its first
 * message). The rate is computed from N and T: its own R is rounded down to whole messages.
 */
export function parseRdkafkaConsumeSummary(stdout: string): { records: number; recordsPerSec: number } | undefined {
  const summary = [...stdout.matchAll(/^% (\d+) messages \(\d+ bytes\) consumed in (\d+)ms: \d+ msgs\/s/gm)].at(-1);
  if (!summary || Number(summary[2]) <= 0) return undefined;
  const records = Number(summary[1]);
  return { records, recordsPerSec: Math.round(records / (Number(summary[2]) / 1000)) };
}
