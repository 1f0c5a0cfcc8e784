import type { Socket } from 'node:net';

/** Above this many bytes held for later, the sending side is paused (TCP backpressure to its peer). */
const kMaxHeldBytes = 8 << 20;
/**
 * Node's timers fire on whole milliseconds of the event loop's clock, up to about 1 ms after
 * the time asked: a chunk due within this much of now goes now, so the delay is not 1–2 ms
 * longer than asked on every hop.
 */
const kEarlyMs = 0.8;

interface HeldChunk {
  dueAtMs: number;
  chunk: Buffer;
}

/**
 * One direction of a proxied connection: every chunk read from `from` is written to `to`
 * `delayMs` after it arrived, in order. With no delay and nothing held, chunks go straight
 * through, so an idle fault costs one read and one write per chunk. A delay shift applies to
 * chunks that arrive after it; earlier ones keep their due time, so bytes are never reordered.
 */
export class DelayedPipe {
  delayMs = 0;
  private readonly held: HeldChunk[] = [];
  private heldBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(
    private readonly from: Socket,
    private readonly to: Socket,
  ) {
    from.on('data', (chunk: Buffer) => this.onData(chunk));
    from.on('end', () => {
      this.ended = true;
      this.flushDue();
    });
    to.on('drain', () => this.maybeResume());
  }

  private onData(chunk: Buffer): void {
    if (this.delayMs === 0 && this.held.length === 0) {
      if (!this.to.write(chunk)) this.from.pause();
      return;
    }
    this.held.push({ dueAtMs: performance.now() + this.delayMs, chunk });
    this.heldBytes += chunk.length;
    if (this.heldBytes > kMaxHeldBytes) this.from.pause();
    if (this.timer === undefined) this.arm();
  }

  private arm(): void {
    const head = this.held[0];
    if (head === undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushDue();
    }, Math.max(0, Math.floor(head.dueAtMs - performance.now() - kEarlyMs)));
  }

  private flushDue(): void {
    const now = performance.now();
    let writable = true;
    while (this.held.length > 0 && this.held[0]!.dueAtMs <= now + kEarlyMs) {
      const { chunk } = this.held.shift()!;
      this.heldBytes -= chunk.length;
      writable = this.to.write(chunk) && writable;
    }
    if (this.held.length > 0) {
      if (this.timer === undefined) this.arm();
    } else if (this.ended && !this.to.destroyed) {
      this.to.end();
    }
    if (writable) this.maybeResume();
    else this.from.pause();
  }

  private maybeResume(): void {
    if (this.heldBytes <= kMaxHeldBytes && !this.to.writableNeedDrain) this.from.resume();
  }

  get holding(): boolean {
    return this.held.length > 0;
  }

  /** Drops what is held: the connection is being cut. */
  discard(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.held.length = 0;
    this.heldBytes = 0;
  }
}
