import { suite as uvuSuite, type Test } from 'uvu';

/**
 * uvu's `suite`, except that an error thrown by a `before` hook fails every test of the suite.
 *
 * uvu 0.5.6 runs `before` hooks inside a try whose `finally` returns, which swallows the error: a
 * suite whose broker did not start printed "(0 / 9)" in green, no error, and the process exited 0;
 * only the runner's Total − Passed arithmetic noticed. Here the hook's error is kept, printed once
 * on stderr when it happens, and thrown again by the suite's first `before.each` hook, so each test
 * fails with it (uvu prints the message and stack under each) and the exit code is 1. Later
 * `before` hooks are skipped once one has failed: they would build on what it did not set up.
 */
export function suite<T extends object = Record<string, unknown>>(name: string, state?: T): Test<T> {
  const inner = uvuSuite<T>(name, state);
  const register = inner.before;
  let failure: { error: unknown } | undefined;

  // Registered first, so it runs before any `before.each` of the suite's own.
  register.each(() => {
    if (failure !== undefined) throw hookFailure(name, failure.error);
  });

  const guarded = ((hook) =>
    register(async (context) => {
      if (failure !== undefined) return;
      try {
        await hook(context);
      } catch (error) {
        failure = { error };
        console.error(`✘ suite "${name}": a before hook failed, so every test of it fails: ${messageOf(error)}`);
      }
    })) as Test<T>['before'];
  guarded.each = (hook) => register.each(hook);
  inner.before = guarded;
  return inner;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The hook's error, named as the hook's, with the hook's stack (where it went wrong), not this one. */
function hookFailure(name: string, error: unknown): Error {
  const failure = new Error(`the before hook of suite "${name}" failed: ${messageOf(error)}`, { cause: error });
  if (error instanceof Error && error.stack !== undefined) {
    const frames = error.stack.split('\n').filter((line) => /^\s+at /.test(line));
    failure.stack = [`Error: ${failure.message}`, ...frames].join('\n');
  }
  return failure;
}
