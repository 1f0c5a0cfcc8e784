import type { Argv } from 'yargs';
import type { RawOptions } from '../options/workload.js';
import { specsFor, type CommandName, type OptionSpec } from '../options/schema.js';

/** Commands whose --help sets the workload options apart from their own. */
const kWorkloadCommands: ReadonlySet<CommandName> = new Set(['run', 'compare', 'max']);

/** Kinds a flag may repeat: every value is kept, in order. */
const isRepeatable = (spec: OptionSpec): boolean => spec.kind.type === 'props' || spec.kind.type === 'thresholds' || spec.kind.type === 'observe-list' || spec.kind.type === 'strings' || spec.kind.type === 'fault';

/**
 * The one loop from the option schema to yargs: every option of the command becomes a flag. Values
 * stay strings, so the schema alone checks them (and names the flag when one is wrong).
 */
export function addOptions<T>(yargs: Argv<T>, command: CommandName): Argv<T> {
  let built = yargs;
  for (const spec of specsFor(command)) {
    const shown = spec.default === undefined || (Array.isArray(spec.default) && spec.default.length === 0) ? '' : ` [default: ${String(spec.default)}]`;
    built = built.option(spec.name, {
      // A bool is a plain switch (--e2e); everything else stays a string for the schema to check.
      type: spec.kind.type === 'bool' ? 'boolean' : 'string',
      array: isRepeatable(spec),
      // A bare --html means "beside the JSON result".
      requiresArg: spec.kind.type !== 'bool' && spec.kind.type !== 'optional-path',
      describe: `${spec.describe}${shown}`,
      ...(spec.group !== undefined ? { group: spec.group } : kWorkloadCommands.has(command) ? { group: 'Workload:' } : {}),
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
