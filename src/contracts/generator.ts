export interface LagSummary {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** An interval row's generator columns (what generating cost); absent in results from before it. */
export interface GeneratorColumns {
  /** each producer thread's CPU as a share of the interval, % (100 = one core all the time); null when its clock is unknown */
  threadBusyPct?: (number | null)[];
  /** each producer thread's time runnable but waiting for a core, % of the interval (Linux); null when unknown */
  threadWaitingPct?: (number | null)[];
  /** producer threads over the busy limit while librdkafka's queue was never full (generator-bound) */
  boundThreads?: number[];
  /** CPU of the whole process in the interval, in cores (every thread: producers, librdkafka, consumers) */
  processCpuCores: number;
  rssBytes: number;
  /** the coordinator's event-loop lag in the interval */
  loopLagP99Ms: number;
  loopLagMaxMs: number;
}

/** The measured window's generator figures, for the result. */
export interface GeneratorWindow {
  /** per producer thread; absent for sources that cannot tell (remote hosts) */
  threads?: { worker: number; cpuSec: number | null; busyPct: number | null; waitingPct: number | null; queueFullWaits: number }[];
  processCpuSec: number;
  processCpuCores: number;
  peakRssBytes: number;
  loopLag: LagSummary & { source: 'monitorEventLoopDelay' | 'timer' };
}
