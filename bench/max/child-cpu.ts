import { readFileSync, rmSync } from 'node:fs';

/**
 * A tool's exact CPU, its whole process tree, measured the way getrusage(RUSAGE_CHILDREN) would:
 * the tool runs under `sh`, which waits for it and then writes its own /proc stat, whose cutime and
 * cstime hold the CPU of every child it has waited for (and of theirs). Sampling the tool's /proc
 * entry instead misses what it spends after the last sample, and its entry is gone at exit. Node
 * has no RUSAGE_CHILDREN, hence the shell.
 */
export function wrapForChildCpu(command: string, args: readonly string[]): { command: string; args: string[] } {
  // "$@" is the tool and its arguments, unquoted by nothing: no shell parsing of user values.
  const script = '"$@"; status=$?; cat /proc/$$/stat > "$STAMPEDE_CHILD_STAT"; exit $status';
  return { command: 'sh', args: ['-c', script, 'sh', command, ...args] };
}

/** CPU seconds (user + system) of the waited-for children, from the stat file the wrapper wrote ($STAMPEDE_CHILD_STAT); undefined when it wrote none. */
export function readChildCpuSeconds(statFile: string): number | undefined {
  try {
    const stat = readFileSync(statFile, 'utf8');
    rmSync(statFile, { force: true });
    // Fields after the parenthesised command name: cutime and cstime are the 16th and 17th overall.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).trim().split(' ');
    const ticks = Number(fields[13]) + Number(fields[14]);
    return Number.isFinite(ticks) ? ticks / 100 : undefined; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}
