import type { Argv } from 'yargs';
import type { RawOptions } from '../options/workload.js';
import { specsFor, type CommandName, type OptionSpec } from '../options/schema.js';
import { isTakenBy } from '../options/not-taken.js';

/** Kinds a flag may repeat: every value is kept, in order. */
const isRepeatable = (spec: OptionSpec): boolean => spec.kind.type === 'props' || spec.kind.type === 'thresholds' || spec.kind.type === 'observe-list' || spec.kind.type === 'strings' || spec.kind.type === 'fault';

/**
 * The one loop from the option schema to yargs: every option of the command becomes a flag. Values
 * stay strings, so the schema alone checks them (and names the flag when one is wrong). yargs only
 * parses: --help is rendered by help.ts.
 */
export function addOptions<T>(yargs: Argv<T>, command: CommandName): Argv<T> {
  let built = yargs;
  for (const spec of specsFor(command)) {
    built = built.option(spec.name, {
      // A bool is a plain switch (--e2e); everything else stays a string for the schema to check.
      type: spec.kind.type === 'bool' ? 'boolean' : 'string',
      array: isRepeatable(spec),
      // A bare --html means "beside the JSON result".
      requiresArg: spec.kind.type !== 'bool' && spec.kind.type !== 'optional-path',
      describe: spec.describe,
      // Known, so the command can say why it refuses it (options/not-taken.ts).
      hidden: !isTakenBy(command, spec.name),
    });
  }
  return built;
}

/** The command's flags the user gave, as raw strings: a flag given twice keeps its last value, repeatable ones every value. */
export function flagValues(argv: Record<string, unknown>, command: CommandName): RawOptions {
  const values: Record<string, unknown> = {};
  for (const spec of specsFor(command)) {
    const value = argv[spec.name];
    if (value === undefined) continue;
    values[spec.name] = Array.isArray(value) && !isRepeatable(spec) ? value[value.length - 1] : value;
  }
  return values as RawOptions;
}
