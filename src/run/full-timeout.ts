/**
 * A timer that calls `fire` once at least `spanMs` have passed on performance.now()'s clock.
 * Node's timers run on libuv's loop time, cached and truncated to whole milliseconds, so a plain
 * setTimeout can fire up to 1 ms before its span has passed on performance.now() — and a measured
 * window closed by it came out at 1,999 ms for `--duration 2s` (a null-client run, whose workers
 * settle within microseconds of the stop). Early calls re-arm for what is left.
 */
export class FullTimeout {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly dueMs: number;

  constructor(
    spanMs: number,
    private readonly fire: () => void,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    this.dueMs = this.nowMs() + spanMs;
    this.arm();
  }

  private arm(): void {
    const leftMs = this.dueMs - this.nowMs();
    if (leftMs <= 0) {
      this.timer = undefined;
      this.fire();
      return;
    }
    // Whole milliseconds, rounded up: the next check lands on or after the due time.
    this.timer = setTimeout(() => this.arm(), Math.ceil(leftMs));
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
