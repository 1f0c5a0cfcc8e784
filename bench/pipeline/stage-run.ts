import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../../src/contracts/result.js';
import { runCli } from '../../test/helpers/cli.js';
import { startProcessor } from '../../test/helpers/processor.js';
import { createTestTopic } from '../../test/helpers/topics.js';

export interface RateSample {
  rateRecordsPerSec: number;
  /** what the run sent and whether the fixed rate held */
  acked: number;
  valid: boolean;
  /** raw topic, read back by --e2e: send → read, µs */
  rawP50Us: number;
  rawP99Us: number;
  /** the map topology's output, read by the passthrough stage: send → read, µs */
  stageP50Us: number;
  stageP99Us: number;
  lost: number | null;
  duplicates: number | null;
  /** the highest per-interval p99 in the measured phase (after warmup), µs: the whole-run p99 above counts warmup's records too */
  rawIntervalP99MaxUs: number | null;
  stageIntervalP99MaxUs: number | null;
  /** the processor's lag on the raw topic (its group's committed offsets): highest in the measured phase, records */
  maxLagRecords: number | null;
  /** every record came through and the lag never exceeded two seconds of input (one commit interval and one more) */
  keptUp: boolean;
}

export interface StageRunOptions {
  bootstrap: string;
  rateRecordsPerSec: number;
  durationS: number;
  warmupS: number;
  partitions: number;
  workDir: string;
}

/**
 * One rate: a fresh raw topic and output topic, a fresh map processor (at-least-once, committing
 * every second so its group's lag is current: Kafka Streams' at-least-once default is every 30 s;
 * its defaults otherwise), and one stampede run that reads both: the raw topic with --e2e and the
 * processor's output as a passthrough stage timed by the value's sent_at_us.
 */
export async function runAtRate(options: StageRunOptions): Promise<RateSample> {
  const rate = options.rateRecordsPerSec;
  const [raw, enriched, group] = [`raw-${rate}`, `enriched-${rate}`, `pipeline-${rate}`];
  await createTestTopic(options.bootstrap, raw, options.partitions);
  const processor = await startProcessor({ bootstrap: options.bootstrap, appId: group, input: raw, output: enriched, outputPartitions: options.partitions, mode: 'map', heapMb: 512, config: { 'commit.interval.ms': '1000' } });
  const out = join(options.workDir, `pipeline-${rate}.json`);
  try {
    const args = ['run', '--brokers', options.bootstrap, '--topic', raw, '--format', 'iot-json', '--devices', '1000', '--rate', String(rate), '--warmup', `${options.warmupS}s`, '--duration', `${options.durationS}s`, '--e2e', '--observe', `${enriched}:passthrough`, '--trace', 'field:sent_at_us', '--processor-group', group, '--out', out];
    const run = await runCli(args, { timeoutMs: (options.durationS + options.warmupS + 120) * 1000 });
    if (run.code !== 0 && run.code !== 3 && run.code !== 4) throw new Error(`the run at ${rate} rec/s failed (exit ${run.code}): ${run.stderr.trim().split('\n').slice(-3).join(' | ')}\n${processor.logTail(10)}`);
  } finally {
    await processor.stop();
  }
  return sampleOf(rate, JSON.parse(readFileSync(out, 'utf8')) as RunResult);
}

function sampleOf(rate: number, result: RunResult): RateSample {
  const stage = result.stages?.[0];
  const e2e = result.latency.endToEnd;
  if (stage === undefined || stage.latency === null || e2e === null) throw new Error(`the run at ${rate} rec/s has no stage or e2e latency in its result`);
  const measured = result.intervals.filter((row) => row.phase === 'measure');
  const highest = (values: (number | null | undefined)[]): number | null => {
    const present = values.filter((value): value is number => typeof value === 'number');
    return present.length === 0 ? null : Math.max(...present);
  };
  const maxLagRecords = highest(measured.map((row) => row.stages?.[0]?.processorLagRecords));
  // Committed offsets trail by up to one commit interval (1 s) of input even for a processor that keeps up.
  const keptUp = stage.integrity.lost === 0 && maxLagRecords !== null && maxLagRecords <= 2 * rate;
  return {
    rateRecordsPerSec: rate,
    acked: result.totals.acked,
    valid: result.validity.valid,
    rawP50Us: e2e.p50,
    rawP99Us: e2e.p99,
    stageP50Us: stage.latency.p50,
    stageP99Us: stage.latency.p99,
    rawIntervalP99MaxUs: highest(measured.map((row) => row.e2eP99Us)),
    stageIntervalP99MaxUs: highest(measured.map((row) => row.stages?.[0]?.p99Us)),
    lost: stage.integrity.lost,
    duplicates: stage.integrity.duplicates,
    maxLagRecords,
    keptUp,
  };
}
