import type { Shard } from '../plan/shard.js';
import { LocalThreads, producerTaskTemplate } from '../sources/local-threads.js';
import { StampedeError } from '../errors.js';
import { assembleResult } from './assemble.js';
import { EndToEndConsumers } from '../consume/e2e-group.js';
import { consumerModeOptions, consumerModes } from './modes/consumer-modes.js';
import { prepareRun, type Prepared } from './prepare.js';
import type { IntervalRow, RunResult } from '../contracts/result.js';
import { sampleRun, type CumulativeSnapshots } from './sample.js';
import { kTestFaultVariable, testCrashFrom, type TestCrash } from '../contracts/test-crash.js';
import type { Workload } from '../options/workload-shape.js';


export interface RunHooks {
  onNotice?(text: string): void;
  onStart?(info: { workers: number; topic: RunResult['topic'] }): void;
  /** `cumulative` is optional to read: what /metrics needs beyond the row */
  onInterval?(row: IntervalRow, cumulative: CumulativeSnapshots): void;
  /** Aborting stops producing, drains, and still returns what was measured. */
  signal?: AbortSignal;
  /** Run only these shards (one slice of --instances); their device ids stay the whole run's. */
  slice?: Shard[];
}

/**
 * One run, as four phases: prepare (connection, plan, topic) → start (e2e consumers, producer
 * threads) → sample (barrier, intervals, drain) → assemble (the result every reporter reads).
 */
export async function runWorkload(workload: Workload, hooks: RunHooks = {}): Promise<RunResult> {
  const notices: string[] = [];
  const notice = (text: string): void => {
    notices.push(text);
    hooks.onNotice?.(text);
  };

  const crash = testCrashFrom(process.env);
  if (crash) notice(`test hook $${kTestFaultVariable} is set: ${crash.role} thread ${crash.index} will ${crash.how === 'exit' ? 'exit' : 'throw'} ${crash.afterMs} ms in`);
  const whole = await prepareRun(workload, notice);
  const prepared = hooks.slice ? { ...whole, plan: hooks.slice, workers: hooks.slice.length } : whole;
  const e2e = workload.e2e ? await startEndToEnd(workload, prepared, notice, crash) : undefined;
  const producers = await LocalThreads.start(prepared.plan, producerTaskTemplate(workload, prepared.librdkafka), prepared.inline, crash);
  const modes = e2e ? consumerModes(workload, prepared.topic!.partitions, producers, e2e, notice) : undefined;
  try {
    const sampled = await sampleRun(producers, e2e, workload, {
      signal: hooks.signal,
      onStart: () => {
        hooks.onStart?.({ workers: prepared.workers, topic: prepared.topic });
        modes?.start();
      },
      onThreadFailed: notice,
      ...(hooks.onInterval ? { onInterval: hooks.onInterval } : {}),
    });
    const aborted = workload.transactional ? sampled.outcomes.map((outcome) => outcome.transactions?.abortedRanges) : undefined;
    const endToEnd = e2e ? e2e.report(sampled.consumerOutcomes, prepared.topic!.partitions, prepared.plan, producers.sentPerShard(), aborted) : null;
    const publishDelays = workload.rateRecordsPerSec === undefined ? null : producers.publishDelays();
    const result = assembleResult({ workload, prepared, sampled, publishDelays, endToEnd, notices });
    modes?.finish(result);
    return result;
  } finally {
    await producers.close();
  }
}

/** The --e2e consumer group, joined before any producer sends, with the run's connection settings. */
async function startEndToEnd(workload: Workload, prepared: Prepared, notice: (text: string) => void, crash: TestCrash | undefined): Promise<EndToEndConsumers> {
  const { topic, connection } = prepared;
  if (topic === null || connection === null) throw new StampedeError('E_OPTION', '--e2e needs records on a broker: use --client native or node-rdkafka, not null');
  const consumers = Math.min(workload.consumers, topic.partitions);
  if (consumers < workload.consumers) notice(`${workload.consumers} consumers for ${topic.partitions} partitions: using ${consumers}, one partition at least each`);
  if (workload.client !== 'native') notice('end-to-end consumers use the native client (node-rdkafka runs only on the main thread, beside its producer)');
  notice('end-to-end latency compares clocks of the producing and consuming hosts: across hosts it needs synchronised clocks (same host here)');
  // librdkafka's default is read_committed already; said explicitly, as the aborted-read check relies on it.
  const isolation: Record<string, string> = workload.transactional ? { 'isolation.level': 'read_committed' } : {};
  return EndToEndConsumers.start({ topic: topic.name, partitions: topic.partitions, consumers, format: workload.format, librdkafka: { ...connection.settings, ...isolation }, crash, ...consumerModeOptions(workload, topic.partitions, consumers) });
}
