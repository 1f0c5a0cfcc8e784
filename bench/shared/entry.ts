import { isUserFacing } from '../../src/errors.js';

/**
 * Runs a benchmark's main and sets the exit code: its own (0 or 1 for a goal missed), a bad
 * option's or unreachable broker's (one line, the error's code), or 1 for a run that failed (its
 * message) or a fault of the benchmark's own code (a TypeError and the like: the stack).
 * `redact` cleans what is printed when the error may carry a secret.
 */
export function runBench(benchName: string, main: () => Promise<number | void>, redact: (text: string) => string = (text) => text): void {
  main().then(
    (code) => {
      // A main that returns nothing may have set the exit code itself (a goal missed).
      if (code !== undefined) process.exitCode = code;
    },
    (err: unknown) => {
      const text = isUserFacing(err) ? err.message : err instanceof Error ? (err.constructor === Error ? err.message : (err.stack ?? err.message)) : String(err);
      console.error(`${benchName}: ${redact(text)}`);
      process.exitCode = isUserFacing(err) ? err.exitCode : 1;
    },
  );
}
