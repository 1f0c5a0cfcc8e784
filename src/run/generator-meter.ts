import type { SnapshotSource, ThreadStats } from '../sources/types.js';
import { boundThreads, type ThreadInterval } from '../verdicts/generator-bound.js';
import { kernelPeakRssBytes, LoopLagMeter, processSample, type ProcessSample } from './process-meter.js';
import type { LagSummary } from '../contracts/generator.js';
import type { GeneratorColumns, GeneratorWindow } from '../contracts/generator.js';

const pct1 = (share: number): number => Math.round(share * 1000) / 10;
const round3 = (value: number): number => Math.round(value * 1000) / 1000;

/** Thread CPU differences over a span: busy share and queue-full waits per thread. */
export function threadIntervals(now: ThreadStats, before: ThreadStats, spanMs: number): ThreadInterval[] {
  return now.cpuUs.map((cpuUs, index) => {
    const previous = before.cpuUs[index] ?? -1;
    const known = cpuUs >= 0 && previous >= 0;
    const waitedUs = now.runQueueUs[index] ?? -1;
    const waitedBeforeUs = before.runQueueUs[index] ?? -1;
    const spanUs = Math.max(spanMs, 1) * 1000;
    return {
      busy: known ? Math.max(0, cpuUs - previous) / spanUs : null,
      waiting: waitedUs >= 0 && waitedBeforeUs >= 0 ? Math.max(0, waitedUs - waitedBeforeUs) / spanUs : null,
      queueFullWaits: (now.queueFullWaits[index] ?? 0) - (before.queueFullWaits[index] ?? 0) };
  });
}

/**
 * The coordinator's meter of what the generator cost, read at every interval tick: producer threads'
 * CPU (from the source, when it can tell), the process's CPU and memory, the event loop's lag.
 */
export class GeneratorMeter {
  private readonly lag = new LoopLagMeter();
  private lastThreads: ThreadStats | undefined;
  private lastProcess: ProcessSample;
  private lastAtMs: number;
  private windowThreads: ThreadStats | undefined;
  private windowProcess: ProcessSample;
  private windowAtMs: number;
  private peakRssBytes = 0;

  constructor(private readonly source: Pick<SnapshotSource, 'threadStats'>) {
    this.lastThreads = this.windowThreads = source.threadStats?.();
    this.lastProcess = this.windowProcess = processSample();
    this.lastAtMs = this.windowAtMs = performance.now();
  }

  /** The measured window opens now (end of warmup). */
  openWindow(): void {
    this.windowThreads = this.source.threadStats?.();
    this.windowProcess = processSample();
    this.windowAtMs = performance.now();
  }

  /** The columns of the interval since the last call. */
  interval(): GeneratorColumns {
    const nowMs = performance.now();
    const spanMs = Math.max(nowMs - this.lastAtMs, 1);
    const threads = this.source.threadStats?.();
    const sample = processSample();
    this.peakRssBytes = Math.max(this.peakRssBytes, sample.rssBytes);
    const lag = this.lag.interval();
    const columns: GeneratorColumns = {
      processCpuCores: round3((sample.cpuUs - this.lastProcess.cpuUs) / (spanMs * 1000)),
      rssBytes: sample.rssBytes,
      loopLagP99Ms: lag.p99Ms,
      loopLagMaxMs: lag.maxMs,
    };
    if (threads && this.lastThreads) {
      const perThread = threadIntervals(threads, this.lastThreads, spanMs);
      columns.threadBusyPct = perThread.map((thread) => (thread.busy === null ? null : pct1(thread.busy)));
      columns.threadWaitingPct = perThread.map((thread) => (thread.waiting === null ? null : pct1(thread.waiting)));
      columns.boundThreads = boundThreads(perThread);
    }
    this.lastThreads = threads;
    this.lastProcess = sample;
    this.lastAtMs = nowMs;
    return columns;
  }

  /** The window from openWindow() (or the start) until now; stops the lag meter. */
  close(): GeneratorWindow {
    const nowMs = performance.now();
    const spanMs = Math.max(nowMs - this.windowAtMs, 1);
    const sample = processSample();
    const threads = this.source.threadStats?.();
    this.lag.stop();
    const processCpuSec = (sample.cpuUs - this.windowProcess.cpuUs) / 1e6;
    const window: GeneratorWindow = {
      processCpuSec: round3(processCpuSec),
      processCpuCores: round3(processCpuSec / (spanMs / 1000)),
      peakRssBytes: Math.max(this.peakRssBytes, sample.rssBytes, kernelPeakRssBytes() ?? 0),
      loopLag: { ...this.lag.total(), source: this.lag.source },
    };
    if (threads && this.windowThreads) {
      const before = this.windowThreads;
      window.threads = threadIntervals(threads, before, spanMs).map((thread, worker) => {
        const cpuUs = threads.cpuUs[worker]!;
        const startUs = before.cpuUs[worker] ?? -1;
        return {
          worker,
          cpuSec: thread.busy === null ? null : round3((cpuUs - startUs) / 1e6),
          busyPct: thread.busy === null ? null : pct1(thread.busy),
          waitingPct: thread.waiting === null ? null : pct1(thread.waiting),
          queueFullWaits: thread.queueFullWaits,
        };
      });
    }
    return window;
  }
}
