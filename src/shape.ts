/**
 * Checks that a value parsed from outside (a result file, an agent's line) has the shape the code
 * reading it assumes, before any of it is used: a wrong shape is then one sentence naming the
 * field ("latency.produceAck.p99 must be a number (got "fast")"), never a TypeError deep inside a
 * report. A check returns that sentence, or null when the value fits. Fields not named are left
 * alone: newer writers may add some.
 */
export type Check = (value: unknown, path: string) => string | null;

const kShownValueChars = 60;

/** The offending value, cut short: a field may hold megabytes. */
export function shown(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? 'nothing' : Array.isArray(value) ? `a list of ${value.length}` : typeof value === 'object' && value !== null ? 'an object' : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > kShownValueChars ? `${text.slice(0, kShownValueChars)}…` : text;
}

const named = (path: string): string => path || 'the document';
const must = (path: string, what: string, value: unknown): string => `${named(path)} must be ${what} (got ${shown(value)})`;

export const isPlainObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A finite number (JSON's 1e999 parses as Infinity). */
export const num: Check = (value, path) => (typeof value === 'number' && Number.isFinite(value) ? null : must(path, 'a number', value));

/** A whole number from min to max. */
export const int =
  (min: number, max: number): Check =>
  (value, path) =>
    Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max ? null : must(path, `an integer from ${min} to ${max}`, value);

export const str: Check = (value, path) => (typeof value === 'string' ? null : must(path, 'a string', value));
export const bool: Check = (value, path) => (typeof value === 'boolean' ? null : must(path, 'true or false', value));
export const any: Check = () => null;

export const oneOf =
  (...values: readonly (string | number)[]): Check =>
  (value, path) =>
    values.includes(value as string | number) ? null : must(path, `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`, value);

export const nullable =
  (check: Check): Check =>
  (value, path) =>
    value === null ? null : check(value, path);

/** May be absent (undefined); when present, must pass. */
export const optional =
  (check: Check): Check =>
  (value, path) =>
    value === undefined ? null : check(value, path);

export const arrayOf =
  (check: Check): Check =>
  (value, path) => {
    if (!Array.isArray(value)) return must(path, 'a list', value);
    for (let i = 0; i < value.length; i++) {
      const problem = check(value[i], `${path}[${i}]`);
      if (problem !== null) return problem;
    }
    return null;
  };

/** An object with at least these fields, each passing its check. */
export const object =
  (fields: Readonly<Record<string, Check>>): Check =>
  (value, path) => {
    if (!isPlainObject(value)) return must(path, 'an object', value);
    for (const [key, check] of Object.entries(fields)) {
      const problem = check(value[key], path ? `${path}.${key}` : key);
      if (problem !== null) return problem;
    }
    return null;
  };

/** An object used as a map: every value passes. */
export const recordOf =
  (check: Check): Check =>
  (value, path) => {
    if (!isPlainObject(value)) return must(path, 'an object', value);
    for (const [key, item] of Object.entries(value)) {
      const problem = check(item, `${path}.${key}`);
      if (problem !== null) return problem;
    }
    return null;
  };

/** Both checks: the shape first, then a rule across fields. */
export const both =
  (first: Check, second: Check): Check =>
  (value, path) =>
    first(value, path) ?? second(value, path);
