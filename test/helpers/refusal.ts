import * as assert from 'uvu/assert';
import { runCli, type CliOutcome } from './cli.js';

/**
 * Bad input as every stampede command must answer it: exit 2, exactly one line on stderr that
 * starts "stampede: " and names what is wrong (`mentions`), no stack trace, and nothing run
 * (nothing on stdout).
 */
export function assertRefused(outcome: CliOutcome, mentions: RegExp, args: readonly string[]): void {
  assert.is(outcome.code, 2, `exit code for ${args.join(' ')}\n${outcome.stdout}\n${outcome.stderr}`);
  assert.is(outcome.stderr.trimEnd().split('\n').length, 1, `one line:\n${outcome.stderr}`);
  assert.match(outcome.stderr, /^stampede: /);
  assert.match(outcome.stderr, mentions);
  assert.not.match(outcome.stderr, /\n\s+at /, 'no stack trace');
  assert.is(outcome.stdout, '', `nothing on stdout, got:\n${outcome.stdout}`);
}

/** Runs the CLI with `args`, holds its answer to `assertRefused` and returns it. */
export async function refusedOutcome(args: string[], mentions: RegExp): Promise<CliOutcome> {
  const outcome = await runCli(args, { timeoutMs: 30_000 });
  assertRefused(outcome, mentions, args);
  return outcome;
}

/** Runs the CLI with `args` and holds its answer to `assertRefused`. */
export async function rejects(args: string[], mentions: RegExp): Promise<void> {
  await refusedOutcome(args, mentions);
}
