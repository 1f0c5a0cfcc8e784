import { writeFileSync } from 'node:fs';

/**
 * A test hook: with STAMPEDE_TEST_ACK_LOG=<file> in the environment, the node-rdkafka client keeps
 * each produce→ack latency (µs) it records into its histogram — the very value, in the order
 * recorded, which is the order acks are counted in — and writes them to that file, one per line,
 * when it closes. A test can then rebuild any span of acks from the records themselves (a level of
 * a load schedule: the acks between its two boundary counts) and compare it with what the run
 * reported. No flag, workload key or --help names it; a run that has it set says so in a notice.
 * Only the node-rdkafka client has it: its delivery reports run in JS on the main thread, the same
 * thread that reads the level boundaries, so each ack lands wholly before or after a boundary.
 */
export const kAckLogVariable = 'STAMPEDE_TEST_ACK_LOG';

export class AckLog {
  private readonly latenciesUs: number[] = [];

  constructor(readonly path: string) {}

  add(latencyUs: number): void {
    this.latenciesUs.push(latencyUs);
  }

  write(): void {
    writeFileSync(this.path, this.latenciesUs.map((value) => `${value}\n`).join(''));
  }
}

/** The log asked for by the environment, if any. */
export function ackLogFrom(env: NodeJS.ProcessEnv): AckLog | undefined {
  const path = env[kAckLogVariable];
  return path === undefined || path === '' ? undefined : new AckLog(path);
}
