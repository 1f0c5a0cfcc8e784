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
 * Samples a process's threads every 200 ms while it runs (its /proc entry vanishes at exit): CPU
 * seconds per thread name, for what the pacer thread costs.
 */
export class ThreadCpuMeter {
  private readonly last = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private readonly startedAtMs = Date.now();

  constructor(private readonly pid: number) {
    this.timer = setInterval(() => this.sample(), 200);
  }

  private sample(): void {
    // Per name, the highest reading: a thread's CPU only grows, and the pacer thread ends (joined
    // at flush) before the process does, so the last sample may no longer list it.
    for (const [name, seconds] of threadCpuSeconds(this.pid)) this.last.set(name, Math.max(seconds, this.last.get(name) ?? 0));
  }

  /** Cores per thread name (CPU seconds ÷ wall seconds). */
  stop(): Map<string, number> {
    clearInterval(this.timer);
    this.sample();
    const wallSeconds = Math.max((Date.now() - this.startedAtMs) / 1000, 0.001);
    return new Map([...this.last].map(([name, seconds]) => [name, Math.round((100 * seconds) / wallSeconds) / 100]));
  }
}
