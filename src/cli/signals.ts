import { redactText } from '../connection/redact.js';
import { ExitCode } from './exit-codes.js';

/** What asks a run to stop: Ctrl-C, and SIGTERM (kill, systemd, docker stop, a CI job's time limit). */
export const kStopSignals = ['SIGINT', 'SIGTERM'] as const;
export type StopSignal = (typeof kStopSignals)[number];

export interface StopHandlers {
  /** The first signal: stop gracefully (producing stops, acks drain, the result is still written). */
  stop(signal: StopSignal): void;
  /**
   * Before a second signal exits: undo what the run changed outside this process (a broker that
   * --fault killed is started again, a node it cut off healed). Exiting skips every pending
   * `finally`, so this is the only clean-up that still runs. A promise (a heal is a request to
   * another process) is waited for, at most kRestoreWaitMs.
   */
  restore(): void | Promise<void>;
}

/** The longest a second signal waits for restore before exiting; a third signal exits at once. */
export const kRestoreWaitMs = 10_000;

/**
 * SIGINT and SIGTERM alike: the first calls `stop`, a second calls `restore` and then exits with
 * ExitCode.interrupted without waiting for the drain. Returns the function that removes the handlers.
 */
export function onStopSignals(handlers: StopHandlers, exit: (code: number) => void = (code) => process.exit(code), restoreWaitMs = kRestoreWaitMs): () => void {
  let stopping = false;
  let restoring = false;
  // Still exit when restoring fails: the user asked twice; say what could not be put back.
  const complain = (err: unknown): void => console.error(`stampede: ${redactText((err as Error).message)}`);
  const onSignal = (signal: StopSignal): void => {
    if (!stopping) {
      stopping = true;
      handlers.stop(signal);
      return;
    }
    if (restoring) return exit(ExitCode.interrupted);
    restoring = true;
    let restored: void | Promise<void> = undefined;
    try {
      restored = handlers.restore();
    } catch (err) {
      complain(err);
    }
    if (!(restored instanceof Promise)) return exit(ExitCode.interrupted);
    const timer = setTimeout(() => exit(ExitCode.interrupted), restoreWaitMs);
    restored.catch(complain).finally(() => {
      clearTimeout(timer);
      exit(ExitCode.interrupted);
    });
  };
  for (const signal of kStopSignals) process.on(signal, onSignal);
  return () => {
    for (const signal of kStopSignals) process.off(signal, onSignal);
  };
}
