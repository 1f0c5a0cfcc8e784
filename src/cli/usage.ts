/**
 * How every CLI entry (stampede, bench-micro, bench-max) leaves on a usage error: one line naming
 * the problem, no stack, exit 2.
 */
export function usageFailure(prefix: string, message: string): never {
  console.error(`${prefix}: ${message.replace(/\s*\n\s*/g, ' ').trim()} (see --help)`);
  process.exit(2);
}

/** A yargs .fail() handler: yargs' own validation errors are usage errors; anything else is rethrown. */
export const failOnUsage =
  (prefix: string) =>
  (message: string | undefined, err: Error | undefined): void => {
    if (err && err.name !== 'YError') throw err;
    usageFailure(prefix, message ?? err?.message ?? 'invalid arguments');
  };
