/**
 * Progress of long work — a --records run, bench-max's sweep, `max`'s steps: a bar with time left
 * on a terminal, redrawn in place; plain lines (at most one per 10 % or per step) when stdout is a
 * file or a pipe, so logs stay readable.
 */
import { formatCount } from '../fmt.js';

export interface ProgressOptions {
  total: number;
  /** what is counted: "records", "sweep points", "steps" */
  unit: string;
  label?: string;
  /** default process.stdout */
  stream?: NodeJS.WriteStream;
  /** force plain lines even on a terminal */
  plain?: boolean;
  now?: () => number;
}

const kBarWidth = 28;

export function formatTimeLeft(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} m ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} m`;
}

export class Progress {
  private readonly startedAt: number;
  private readonly now: () => number;
  private readonly stream: NodeJS.WriteStream;
  readonly tty: boolean;
  private done = 0;
  private lastPlainDecile = -1;
  private drawn = false;

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? (() => Date.now());
    this.startedAt = this.now();
    this.stream = options.stream ?? process.stdout;
    this.tty = !options.plain && this.stream.isTTY === true;
  }

  /** Time left from the average pace so far; undefined before anything is done. */
  timeLeftMs(): number | undefined {
    if (this.done <= 0) return undefined;
    const elapsed = this.now() - this.startedAt;
    return (elapsed / this.done) * Math.max(0, this.options.total - this.done);
  }

  /** The status text: "[#####-----] 45.0 %  22,500 of 50,000 records  about 12 s left". */
  text(detail = ''): string {
    const share = this.options.total > 0 ? Math.min(1, this.done / this.options.total) : 0;
    const left = this.timeLeftMs();
    const filled = Math.round(share * kBarWidth);
    const bar = this.tty ? `[${'#'.repeat(filled)}${'-'.repeat(kBarWidth - filled)}] ` : '';
    const label = this.options.label ? `${this.options.label}: ` : '';
    const remaining = left === undefined ? '' : share >= 1 ? '  done' : `  about ${formatTimeLeft(left)} left`;
    return `${label}${bar}${(share * 100).toFixed(1).padStart(5)} %  ${formatCount(this.done)} of ${formatCount(this.options.total)} ${this.options.unit}${remaining}${detail ? `  ${detail}` : ''}`;
  }

  /** Sets how much is done; on a terminal redraws the bar, elsewhere prints a line per 10 %. */
  update(done: number, detail = ''): void {
    this.done = done;
    if (this.tty) {
      this.stream.write(`\r\x1b[2K${this.text(detail)}`);
      this.drawn = true;
      return;
    }
    const decile = Math.floor((10 * Math.min(done, this.options.total)) / Math.max(1, this.options.total));
    if (decile > this.lastPlainDecile) {
      this.lastPlainDecile = decile;
      this.stream.write(`progress: ${this.text(detail)}\n`);
    }
  }

  /** One step of a few (a sweep point): always a line of its own, with its label. */
  step(done: number, what: string): void {
    this.done = done;
    this.clear();
    this.stream.write(`[${done}/${this.options.total}] ${what}${this.timeLeftMs() === undefined || done >= this.options.total ? '' : `  about ${formatTimeLeft(this.timeLeftMs()!)} left`}\n`);
  }

  /** Writes `line` above the bar (a live line), keeping the bar last on a terminal. */
  log(line: string): void {
    this.clear();
    this.stream.write(`${line}\n`);
  }

  /** Removes the bar so other output starts on a clean line. */
  clear(): void {
    if (this.tty && this.drawn) {
      this.stream.write('\r\x1b[2K');
      this.drawn = false;
    }
  }
}
