import { parseByKind } from './parse.js';
import { specOf, type CommandName } from './schema.js';

/**
 * One option of one command from its flags: the flag, else its default, checked against its kind;
 * undefined when neither is there. A flag given twice keeps its last value, as most CLIs do;
 * repeatable kinds (k=v pairs, thresholds) keep every value.
 */
export function optionValue(command: CommandName, name: string, flags: Readonly<Record<string, unknown>>): unknown {
  const spec = specOf(command, name);
  const raw = flags[name] ?? spec.default;
  if (raw === undefined) return undefined;
  const repeatable = spec.kind.type === 'props' || spec.kind.type === 'thresholds';
  return parseByKind(`--${name}`, spec.kind, Array.isArray(raw) && !repeatable ? raw[raw.length - 1] : raw);
}
