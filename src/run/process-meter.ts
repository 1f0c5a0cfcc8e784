import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { runtimeName } from '../runtime.js';
import type { LagSummary } from '../contracts/generator.js';

/**
 * The coordinator process's own costs, per interval and for a window: CPU of the whole process
 * (every thread: producers, librdkafka's, consumers), resident memory and its peak, and the event
 * loop's lag. Each probe is guarded: Bun and Deno export monitorEventLoopDelay but it records
 * nothing there (measured: count 0 over a run), so off Node a timer's lateness stands in for it.
 */
export interface ProcessSample {
  /** CPU µs (user + system) of the whole process so far */
  cpuUs: number;
  rssBytes: number;
}

export function processSample(): ProcessSample {
  const cpu = process.cpuUsage();
  return { cpuUs: cpu.user + cpu.system, rssBytes: process.memoryUsage().rss };
}

/** The process's peak RSS as the kernel counts it (getrusage ru_maxrss), else undefined. */
export function kernelPeakRssBytes(): number | undefined {
  try {
    const usage = typeof process.resourceUsage === 'function' ? process.resourceUsage() : undefined;
    return usage && usage.maxRSS > 0 ? usage.maxRSS * 1024 : undefined; // kB
  } catch {
    return undefined;
  }
}

/**
 * Event-loop lag of this thread: perf_hooks.monitorEventLoopDelay where the runtime has it, else a
 * 10 ms timer's lateness. `interval()` gives the lag since the last call; `total()` since start.
 */
export class LoopLagMeter {
  readonly source: 'monitorEventLoopDelay' | 'timer';
  private readonly perInterval: IntervalHistogram | undefined;
  private readonly whole: IntervalHistogram | undefined;
  private readonly timer: NodeJS.Timeout | undefined;
  private intervalLagsMs: number[] = [];
  private readonly allLagsMs: number[] = [];

  constructor() {
    let perInterval: IntervalHistogram | undefined;
    let whole: IntervalHistogram | undefined;
    if (runtimeName() === 'node') {
      try {
        perInterval = monitorEventLoopDelay({ resolution: 10 });
        whole = monitorEventLoopDelay({ resolution: 10 });
        perInterval.enable();
        whole.enable();
      } catch {
        perInterval = whole = undefined;
      }
    }
    this.perInterval = perInterval;
    this.whole = whole;
    this.source = perInterval ? 'monitorEventLoopDelay' : 'timer';
    if (!perInterval) {
      let expectedAtMs = performance.now() + 10;
      this.timer = setInterval(() => {
        const nowMs = performance.now();
        const lagMs = Math.max(0, nowMs - expectedAtMs);
        this.intervalLagsMs.push(lagMs);
        if (this.allLagsMs.length < 1_000_000) this.allLagsMs.push(lagMs);
        expectedAtMs = nowMs + 10;
      }, 10);
      this.timer.unref?.();
    }
  }

  interval(): LagSummary {
    if (this.perInterval) {
      const lag = fromHistogram(this.perInterval);
      this.perInterval.reset();
      return lag;
    }
    const lag = fromSamples(this.intervalLagsMs);
    this.intervalLagsMs = [];
    return lag;
  }

  total(): LagSummary {
    return this.whole ? fromHistogram(this.whole) : fromSamples(this.allLagsMs);
  }

  stop(): void {
    this.perInterval?.disable();
    this.whole?.disable();
    if (this.timer) clearInterval(this.timer);
  }
}

const ms2 = (ms: number): number => Math.round(ms * 100) / 100;

/** monitorEventLoopDelay counts the whole delay of its timer (ns), its own resolution included: that resolution is taken off. */
function fromHistogram(histogram: IntervalHistogram): LagSummary {
  if (histogram.count === 0) return { p50Ms: 0, p99Ms: 0, maxMs: 0 };
  const lagMs = (ns: number): number => ms2(Math.max(0, ns / 1e6 - 10));
  return { p50Ms: lagMs(histogram.percentile(50)), p99Ms: lagMs(histogram.percentile(99)), maxMs: lagMs(histogram.max) };
}

function fromSamples(lagsMs: readonly number[]): LagSummary {
  if (lagsMs.length === 0) return { p50Ms: 0, p99Ms: 0, maxMs: 0 };
  const sorted = [...lagsMs].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  return { p50Ms: ms2(at(50)), p99Ms: ms2(at(99)), maxMs: ms2(sorted[sorted.length - 1]!) };
}
