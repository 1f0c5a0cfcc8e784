/** When one interval closes: now, how long it lasted, and how long since the run started (ms). */
export interface IntervalSpan {
  nowMs: number;
  spanMs: number;
  elapsedMs: number;
}

/**
 * The one interval clock of every run: each --interval it has a row built from the cumulative
 * snapshots the caller reads (the row is the difference from the previous one: nothing is reset,
 * so a late tick loses nothing), keeps it, and hands it on. `run` (producer threads, agents, e2e
 * consumers) and `consume` (reader threads) both sample through it.
 */
export class IntervalSampler<Row, Input = void> {
  readonly rows: Row[] = [];
  private previousAtMs: number;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly startedAtMs: number,
    private readonly build: (span: IntervalSpan, input: Input) => Row,
    private readonly onRow: (row: Row) => void,
  ) {
    this.previousAtMs = startedAtMs;
  }

  /** Ticks every intervalMs, the input read at each tick; `after` runs once the row was handed on. */
  start(intervalMs: number, read: () => Input, after?: (row: Row, nowMs: number) => void): void {
    this.timer = setInterval(() => {
      const nowMs = performance.now();
      const row = this.tick(nowMs, read());
      after?.(row, nowMs);
    }, intervalMs);
  }

  /** Closes an interval at nowMs (a timer's tick, or the run's last one). */
  tick(nowMs: number, input: Input): Row {
    const row = this.build({ nowMs, spanMs: nowMs - this.previousAtMs, elapsedMs: nowMs - this.startedAtMs }, input);
    this.rows.push(row);
    this.onRow(row);
    this.previousAtMs = nowMs;
    return row;
  }

  /** When the last interval closed (the start, before any). */
  get lastTickMs(): number {
    return this.previousAtMs;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** A count over a span, per second, to one decimal; a span under 1 ms counts as 1 ms. */
export const perSecond = (count: number, spanMs: number): number => round1(count / (Math.max(spanMs, 1) / 1000));
/** Bytes over a span as 10^6 bytes per second, to three decimals. */
export const mbPerSecond = (bytes: number, spanMs: number): number => round3(bytes / 1e6 / (Math.max(spanMs, 1) / 1000));

export const round1 = (value: number): number => Math.round(value * 10) / 10;
export const round3 = (value: number): number => Math.round(value * 1000) / 1000;
