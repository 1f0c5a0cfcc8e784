import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds (user + system) of each thread of a process, by thread name, from /proc. */
export function threadCpuSeconds(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const task of tasks) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${task}/comm`, 'utf8').trim();
      const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, USER_HZ = 100
      byName.set(name, (byName.get(name) ?? 0) + seconds);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return byName;
}

/**
 * Samples a process's threads every 200 ms while it runs (its /proc entry vanishes at exit, so the
 * last sample wins): CPU seconds per thread name, for what the pacer thread costs.
 */
export class ThreadCpuMeter {
  private last = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private readonly startedAtMs = Date.now();

  constructor(private readonly pid: number) {
    this.timer = setInterval(() => this.sample(), 200);
  }

  private sample(): void {
    const now = threadCpuSeconds(this.pid);
    if (now.size > 0) this.last = now;
  }

  /** Cores per thread name (CPU seconds ÷ wall seconds). */
  stop(): Map<string, number> {
    clearInterval(this.timer);
    this.sample();
    const wallSeconds = Math.max((Date.now() - this.startedAtMs) / 1000, 0.001);
    return new Map([...this.last].map(([name, seconds]) => [name, Math.round((100 * seconds) / wallSeconds) / 100]));
  }
}
