import type { ErrorCodeSample } from '../contracts/faults.js';
import { wallClockUs } from '../runtime.js';

/**
 * A producer thread's failed records by error name over time: its client's cumulative counts read
 * at every interval's end after go (where the coordinator's interval rows end), kept only when they
 * changed. A fault's window then gets the failures by code that fell inside it, not just the run's
 * total. One read is a lock and a copy of a map of a few names in the addon: nothing per record.
 */
export class ErrorCodeTimeline {
  private readonly samples: ErrorCodeSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private last = '{}';
  private stopped = false;

  constructor(
    private readonly read: () => Record<string, number>,
    private readonly goWallUs: number,
    private readonly everyMs: number,
  ) {}

  private sinceGoMs(): number {
    return (wallClockUs() - this.goWallUs) / 1000;
  }

  /** Reads at the next interval end, then at each one after it. */
  start(): void {
    if (this.stopped) return;
    const sinceGoMs = Math.max(0, this.sinceGoMs());
    const nextMs = this.everyMs - (sinceGoMs % this.everyMs);
    this.timer = setTimeout(() => {
      this.sample();
      this.start();
    }, nextMs);
    this.timer.unref();
  }

  private sample(): void {
    const counts = this.read();
    const text = JSON.stringify(counts);
    if (text === this.last) return;
    this.last = text;
    this.samples.push({ atMs: Math.round(this.sinceGoMs()), errorsByCode: counts });
  }

  /** After the client closed (records purged at close are failures too): the last read, and every change seen. */
  stop(): ErrorCodeSample[] {
    this.stopped = true;
    clearTimeout(this.timer);
    this.sample();
    return this.samples;
  }
}
