import { readFileSync } from 'node:fs';

/** One process's resident set size, sampled every `everyMs` from /proc (Linux), until stopped. */
export class RssSampler {
  readonly samples: { atMs: number; rssBytes: number }[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly startedAtMs = Date.now();

  constructor(private readonly pid: number, everyMs: number) {
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  private sample(): void {
    try {
      const kib = Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'))?.[1]);
      if (Number.isFinite(kib)) this.samples.push({ atMs: Date.now() - this.startedAtMs, rssBytes: kib * 1024 });
    } catch {
      // the process has ended
    }
  }

  stop(): { atMs: number; rssBytes: number }[] {
    clearInterval(this.timer);
    return this.samples;
  }
}
