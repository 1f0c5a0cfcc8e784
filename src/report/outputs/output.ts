import type { HostIntervalLine } from '../../contracts/fleet.js';
import type { IntervalRow, RunResult } from '../../contracts/result.js';
import type { RunHooks } from '../../run/runner.js';
import type { CumulativeSnapshots } from '../../run/sample.js';

export interface RunStart {
  workers: number;
  topic: RunResult['topic'];
}

/**
 * Where a run's measurements go, as k6's output.Output: told when the run starts, given every
 * interval as it closes, and handed the finished result. The runner arms faults and judges
 * thresholds itself, so the result an output gets is complete; an output only shows or stores it.
 * Row is what arrives as the command goes: a run's interval rows (run, consume), a search's events
 * (max), a compare's modes; Result is the command's result.
 */
export interface Output<Row = IntervalRow, Result = RunResult> {
  notice?(text: string): void;
  /** --fault: what was done to the broker, as it is done */
  fault?(text: string): void;
  start?(info: RunStart): void;
  interval?(row: Row, cumulative: CumulativeSnapshots | undefined): void;
  /** --hosts only */
  hostsConnected?(hosts: { name: string; offsetUs: number; uncertaintyUs: number }[]): void;
  hostIntervals?(lines: HostIntervalLine[]): void;
  /** The finished result: print it, write it. Called in the order the outputs were given. */
  stop?(result: Result): Promise<void> | void;
  /** Releases what the output holds (a server); called whether or not stop ran. */
  close?(): Promise<void>;
}

/** Several outputs as one: each event goes to every output, in order. */
export class Outputs<Row = IntervalRow, Result = RunResult> {
  constructor(private readonly outputs: readonly Output<Row, Result>[]) {}

  notice(text: string): void {
    for (const output of this.outputs) output.notice?.(text);
  }

  interval(row: Row, cumulative?: CumulativeSnapshots): void {
    for (const output of this.outputs) output.interval?.(row, cumulative);
  }

  async stop(result: Result): Promise<void> {
    for (const output of this.outputs) await output.stop?.(result);
  }

  async close(): Promise<void> {
    for (const output of this.outputs) await output.close?.();
  }

  /** The runner's hooks, fed to every output; only the events some output takes are wired. */
  runHooks(this: Outputs<IntervalRow, Result>): Omit<RunHooks, 'signal'> {
    const takes = (event: keyof Output<IntervalRow, Result>): boolean => this.outputs.some((output) => output[event] !== undefined);
    return {
      onNotice: (text) => this.notice(text),
      onFault: (text) => this.outputs.forEach((output) => output.fault?.(text)),
      onStart: (info) => this.outputs.forEach((output) => output.start?.(info)),
      onInterval: (row, cumulative) => this.interval(row, cumulative),
      ...(takes('hostsConnected') ? { onHostsConnected: (hosts) => this.outputs.forEach((output) => output.hostsConnected?.(hosts)) } : {}),
      ...(takes('hostIntervals') ? { onHostIntervals: (lines) => this.outputs.forEach((output) => output.hostIntervals?.(lines)) } : {}),
    };
  }
}
