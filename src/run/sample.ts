import { diffSnapshots, summarize, toHdrHistogram, zeroSnapshot } from '../histogram/merge.js';
import type { RegionSnapshot } from '../shared/region.js';
import type { SnapshotSource } from '../sources/types.js';
import type { E2eConsumerTaskResult } from '../contracts/e2e-consumer-task.js';
import type { EndToEndConsumers } from '../consume/e2e-group.js';
import type { IntervalRow, RunPhase, RunResult } from '../contracts/result.js';
import type { ProducerTaskResult } from '../contracts/producer-task.js';
import { windowEndMs } from './window.js';
import { abortedRecordsOf } from './transactions-report.js';
import { wallClockUs } from '../runtime.js';
import { GeneratorMeter } from './generator-meter.js';
import { MeasuredWindow, type RunSchedule } from './measured-window.js';
import { threadFailureNotices } from './thread-failures.js';
import { IntervalSampler, mbPerSecond, perSecond } from './interval-sampler.js';
import type { GeneratorWindow } from '../contracts/generator.js';
import { LevelMarks, type LevelMark } from './level-marks.js';
import { targetOfInterval } from './level-results.js';

const kReadyTimeoutMs = 30_000; // thread start-up plus client connection

export interface SampleHooks {
  onStart?(): void;
  /** `cumulative`: every count so far (producers; consumers with --e2e), for live exporters such as /metrics */
  onInterval?(row: IntervalRow, cumulative: CumulativeSnapshots): void;
  /** Aborting stops producing, drains, and still returns what was measured. */
  signal?: AbortSignal | undefined;
  /** A producer or consumer thread ended in failure while the others go on; called at the first tick after it did. */
  onThreadFailed?(text: string): void;
}

export interface CumulativeSnapshots {
  produced: RegionSnapshot;
  consumed: RegionSnapshot | undefined;
  /** --observe: what each stage's group has read so far (records and latency counts), in pipeline order */
  stages?: readonly { name: string; read: RegionSnapshot }[];
}

/** What phases 2–3 measured: the window, its end points, every interval, every outcome. */
export interface Sampled {
  startedAt: Date;
  /** why the run ended early, if it did */
  status: RunResult['status'];
  /** cumulative snapshot when the measured window opened (zero when it opened at go); undefined when the run ended during warmup */
  baseline: RegionSnapshot | undefined;
  /** the measured window: warmup end (or go) → last ack, ms */
  durationMs: number;
  final: RegionSnapshot;
  intervals: IntervalRow[];
  outcomes: ProducerTaskResult[];
  consumerOutcomes: E2eConsumerTaskResult[];
  /** what generating cost over the measured window: producer threads' and the process's CPU, memory, event-loop lag */
  generator: GeneratorWindow;
  /**
   * --stages / --steps: cumulative snapshots at the measured window's opening, at each boundary
   * between segments the run reached, and at its end (after the e2e drain, for consumed); times
   * relative to go. Absent without a schedule or when the run ended during warmup.
   */
  levelMarks?: LevelMark[];
}

/**
 * Phases 2 and 3: the ready/go barrier, then one interval row per --interval from the source's
 * cumulative snapshots until every producer has ended (by --duration, --records, --timeout or the
 * signal), then the consumers' drain. The producers' window ends at their last ack.
 */
export async function sampleRun(source: SnapshotSource, e2e: EndToEndConsumers | undefined, schedule: RunSchedule, hooks: SampleHooks): Promise<Sampled> {
  // Every producer connects first; the clock starts when all are ready (or one has already ended).
  await source.ready(kReadyTimeoutMs, hooks.signal);
  const startedAt = new Date();
  const startedAtMs = performance.now();
  source.go();
  hooks.onStart?.();
  const generatorMeter = new GeneratorMeter(source);

  let status: RunResult['status'] = 'ok';
  const stop = (why: RunResult['status']): void => {
    if (source.stopping) return;
    if (why !== 'ok') status = why;
    source.stop();
  };
  const onAbort = (): void => stop('interrupted');
  hooks.signal?.addEventListener('abort', onAbort);
  if (hooks.signal?.aborted) onAbort();

  let producersDone = false;
  const rows = intervalRows(source, e2e, generatorMeter, startedAtMs, hooks, schedule);
  const levels = schedule.loadSchedule ? new LevelMarks(schedule.loadSchedule, schedule.warmupMs, startedAtMs, () => ({ atMs: performance.now(), produced: source.snapshot(), publishDelays: source.publishDelays(), consumed: e2e?.snapshot() })) : undefined;
  const nameFailures = threadFailureNotices(source, e2e, startedAtMs, (text) => hooks.onThreadFailed?.(text));
  const window = new MeasuredWindow(source, schedule, startedAtMs, {
    opened: (atGo) => {
      if (!atGo) generatorMeter.openWindow();
      levels?.open(atGo ? zeroSnapshot() : window.baseline!, atGo);
    },
    stop,
  });
  rows.sampler.start(schedule.intervalMs, () => ({ current: source.snapshot(), phase: source.stopping || producersDone ? 'drain' : window.warmingUp ? 'warmup' : 'measure' }), (_row, nowMs) => nameFailures(nowMs));

  let outcomes: ProducerTaskResult[];
  let consumerOutcomes: E2eConsumerTaskResult[] = [];
  let finishedAtMs: number;
  let final: RegionSnapshot;
  let generator: GeneratorWindow | undefined;
  try {
    outcomes = await source.finished;
    producersDone = true;
    finishedAtMs = windowEndMs(outcomes, performance.now(), wallClockUs());
    final = source.snapshot();
    generator = generatorMeter.close();
    await source.close();
    // Consumers catch up on the last acked records (ticks go on, as drain rows), then stop.
    // Records of aborted transactions are acked but never readable under read_committed.
    if (e2e) consumerOutcomes = await e2e.drain(final.counters.acked - abortedRecordsOf(outcomes), schedule.drainMs);
  } finally {
    rows.sampler.stop();
    levels?.clear();
    window.clear();
    hooks.signal?.removeEventListener('abort', onAbort);
  }
  // The last acks since the last tick make a final drain row; a run shorter than one interval
  // still reports its consumers (after their drain). Whether there are such acks is decided on the
  // counters, not the clocks: the producers' settle time comes from their threads' wall clocks and
  // can read a millisecond off this thread's, so a tick just before the last acks could look later.
  // The row ends at the window's end when that is after the last tick, else now.
  const previous = rows.previous();
  if (final.counters.acked + final.counters.failed > previous.counters.acked + previous.counters.failed) {
    rows.sampler.tick(rows.sampler.lastTickMs < finishedAtMs - 1 ? finishedAtMs : performance.now(), { current: final, phase: 'drain' });
  }
  const { baseline, durationMs } = window.close(finishedAtMs);
  const levelMarks = levels?.series({ atMs: finishedAtMs, produced: final, publishDelays: source.publishDelays(), consumed: e2e?.snapshot() });
  return { startedAt, status, baseline, durationMs, final, intervals: rows.sampler.rows, outcomes, consumerOutcomes, generator: generator!, ...(levelMarks ? { levelMarks } : {}) };
}

/** The run's interval rows: producers' rates and latency, the generator's costs, and with --e2e the consumers' columns. */
function intervalRows(source: SnapshotSource, e2e: EndToEndConsumers | undefined, generatorMeter: GeneratorMeter, startedAtMs: number, hooks: SampleHooks, schedule: RunSchedule): { sampler: IntervalSampler<IntervalRow, { current: RegionSnapshot; phase: RunPhase }>; previous(): RegionSnapshot } {
  let previous = source.snapshot();
  let previousConsumed = e2e?.snapshot();
  let cumulative: CumulativeSnapshots = { produced: previous, consumed: previousConsumed };
  const target = schedule.loadSchedule ? targetOfInterval(schedule.loadSchedule, schedule.warmupMs) : undefined;
  const sampler = new IntervalSampler<IntervalRow, { current: RegionSnapshot; phase: RunPhase }>(
    startedAtMs,
    ({ spanMs, elapsedMs }, { current, phase }) => {
      const row = intervalRow(diffSnapshots(current, previous), current, spanMs, elapsedMs, phase);
      if (target) row.targetRecordsPerSec = target(elapsedMs - spanMs, elapsedMs);
      Object.assign(row, generatorMeter.interval());
      let consumed: RegionSnapshot | undefined;
      if (e2e && previousConsumed) {
        consumed = e2e.snapshot();
        addConsumerColumns(row, diffSnapshots(consumed, previousConsumed), consumed, current, spanMs);
        previousConsumed = consumed;
      }
      cumulative = { produced: current, consumed };
      previous = current;
      return row;
    },
    (row) => hooks.onInterval?.(row, cumulative),
  );
  return { sampler, previous: () => previous };
}

function intervalRow(delta: RegionSnapshot, total: RegionSnapshot, spanMs: number, elapsedMs: number, phase: RunPhase): IntervalRow {
  const summary = summarize(toHdrHistogram(delta.counts));
  return {
    elapsedMs: Math.round(elapsedMs),
    phase,
    recordsPerSec: perSecond(delta.counters.acked, spanMs),
    mbPerSec: mbPerSecond(delta.counters.ackedBytes, spanMs),
    p50Us: summary.p50,
    p99Us: summary.p99,
    maxUs: summary.max,
    errors: delta.counters.failed,
    backpressureWaits: delta.counters.backpressureWaits,
    totalSent: total.counters.sent,
    totalAcked: total.counters.acked,
  };
}

function addConsumerColumns(row: IntervalRow, delta: RegionSnapshot, consumed: RegionSnapshot, produced: RegionSnapshot, spanMs: number): void {
  row.consumedPerSec = perSecond(delta.counters.acked, spanMs);
  row.lagRecords = Math.max(0, produced.counters.acked - consumed.counters.acked);
  row.e2eP99Us = summarize(toHdrHistogram(delta.counts)).p99;
}
