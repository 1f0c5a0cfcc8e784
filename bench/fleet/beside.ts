import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime/stime (USER_HZ; 100 on every Linux this runs on). */
const kTicksPerSec = 100;

interface ProcessTicks {
  ppid: number;
  ticks: number;
}

/** utime + stime of every process now, from /proc/<pid>/stat (fields after the command's closing paren). */
function snapshot(): Map<number, ProcessTicks> {
  const processes = new Map<number, ProcessTicks>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // after the paren: state(0) ppid(1) … utime(11) stime(12)
      processes.set(Number(name), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // ended while we looked
    }
  }
  return processes;
}

/** This process and everything it started (the runs, the broker, the sshd hosts and the agents under them). */
function ownTree(processes: Map<number, ProcessTicks>): Set<number> {
  const own = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, { ppid }] of processes) {
      if (!own.has(pid) && own.has(ppid)) {
        own.add(pid);
        grew = true;
      }
    }
  }
  return own;
}

/**
 * What else the machine was doing during a run: CPU of every process that is not this benchmark's,
 * in cores, between start() and stop(). A process of someone else's that starts and ends in
 * between is missed, so this is a lower bound.
 */
export function measureBeside(): { stop(): { cores: number; top: string[] } } {
  const before = snapshot();
  const startedAt = performance.now();
  return {
    stop: () => {
      const after = snapshot();
      const own = ownTree(after);
      const seconds = (performance.now() - startedAt) / 1000;
      const others: { pid: number; cores: number }[] = [];
      for (const [pid, { ticks }] of after) {
        if (own.has(pid)) continue;
        const delta = ticks - (before.get(pid)?.ticks ?? 0);
        if (delta > 0) others.push({ pid, cores: delta / kTicksPerSec / seconds });
      }
      others.sort((a, b) => b.cores - a.cores);
      const command = (pid: number): string => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, 3).join(' ').slice(0, 80);
        } catch {
          return `pid ${pid}`;
        }
      };
      return {
        cores: Math.round(others.reduce((sum, other) => sum + other.cores, 0) * 100) / 100,
        top: others.slice(0, 3).filter((other) => other.cores >= 0.05).map((other) => `${other.cores.toFixed(2)} ${command(other.pid)}`),
      };
    },
  };
}
