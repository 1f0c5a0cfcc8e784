import { readFileSync } from 'node:fs';

/** CPU seconds a process has used so far (user + system), from /proc; undefined once it is gone. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th overall.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    return ticks / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** Whole-machine busy and total CPU seconds, from /proc/stat. */
export function machineCpuSeconds(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    const total = ticks.reduce((sum, value) => sum + value, 0);
    return { busy: (total - idle) / 100, total: total / 100 };
  } catch {
    return undefined;
  }
}

/** How one run's CPU was spent, in cores (1.0 = one core busy for the whole run). */
export interface CpuSplit {
  toolCores: number;
  /** CPU seconds of the tool's own process tree over its life (exact when measured through child-cpu.ts) */
  toolSeconds?: number;
  brokerCores: number | null;
  /** CPU seconds of the broker over the same time; null when its pid is unknown (a broker not started here) */
  brokerSeconds?: number | null;
  machineBusyCores: number;
  machineCores: number;
}

/**
 * Samples a child's CPU while it runs (its /proc entry vanishes at exit, so the last sample wins)
 * and the broker's and machine's before and after.
 */
export class CpuMeter {
  private readonly startedAtMs = Date.now();
  private readonly brokerStart: number | undefined;
  private readonly machineStart = machineCpuSeconds();
  private toolSeconds = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly toolPid: number,
    private readonly brokerPid: number | undefined,
  ) {
    this.brokerStart = brokerPid === undefined ? undefined : processCpuSeconds(brokerPid);
    this.timer = setInterval(() => this.sample(), 200);
  }

  private sample(): void {
    const seconds = processCpuSeconds(this.toolPid);
    if (seconds !== undefined) this.toolSeconds = seconds;
  }

  /** `exactToolSeconds`: the tool's CPU as its waiting parent counted it, when known (over the sampled figure). */
  stop(exactToolSeconds?: number): CpuSplit {
    clearInterval(this.timer);
    this.sample();
    if (exactToolSeconds !== undefined) this.toolSeconds = exactToolSeconds;
    const wallSeconds = Math.max((Date.now() - this.startedAtMs) / 1000, 0.001);
    const brokerEnd = this.brokerPid === undefined ? undefined : processCpuSeconds(this.brokerPid);
    const machineEnd = machineCpuSeconds();
    const machineBusy = this.machineStart && machineEnd ? machineEnd.busy - this.machineStart.busy : 0;
    const machineTotal = this.machineStart && machineEnd ? machineEnd.total - this.machineStart.total : wallSeconds;
    const round = (value: number): number => Math.round(value * 100) / 100;
    const brokerSeconds = this.brokerStart !== undefined && brokerEnd !== undefined ? brokerEnd - this.brokerStart : null;
    return {
      toolCores: round(this.toolSeconds / wallSeconds),
      toolSeconds: round(this.toolSeconds),
      brokerCores: brokerSeconds === null ? null : round(brokerSeconds / wallSeconds),
      brokerSeconds: brokerSeconds === null ? null : round(brokerSeconds),
      machineBusyCores: round(machineBusy / wallSeconds),
      machineCores: round(machineTotal / wallSeconds),
    };
  }
}
