import { redactText } from '../connection/redact.js';
import { ExitCode } from './exit-codes.js';

/** What asks a run to stop: Ctrl-C, and SIGTERM (kill, systemd, docker stop, a CI job's time limit). */
export const kStopSignals = ['SIGINT', 'SIGTERM'] as const;
export type StopSignal = (typeof kStopSignals)[number];

export interface StopHandlers {
  /** The first signal: stop gracefully (producing stops, acks drain, the result is still written). */
  stop(signal: StopSignal): void;
  /**
   * Before a second signal exits at once: undo what the run changed outside this process (a broker
   * that --fault killed is started again). Exiting skips every pending `finally`, so this is the
   * only clean-up that still runs.
   */
  restore(): void;
}

/**
 * SIGINT and SIGTERM alike: the first calls `stop`, a second calls `restore` and then exits with
 * ExitCode.interrupted without waiting for the drain. Returns the function that removes the handlers.
 */
export function onStopSignals(handlers: StopHandlers, exit: (code: number) => void = (code) => process.exit(code)): () => void {
  let stopping = false;
  const onSignal = (signal: StopSignal): void => {
    if (!stopping) {
      stopping = true;
      handlers.stop(signal);
      return;
    }
    try {
      handlers.restore();
    } catch (err) {
      // Still exit: the user asked twice; say what could not be put back.
      console.error(`stampede: ${redactText((err as Error).message)}`);
    }
    exit(ExitCode.interrupted);
  };
  for (const signal of kStopSignals) process.on(signal, onSignal);
  return () => {
    for (const signal of kStopSignals) process.off(signal, onSignal);
  };
}
