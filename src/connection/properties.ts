/**
 * Java .properties text as Kafka's tools read it (--command-config, --producer.config): `key=value`,
 * `key: value` or `key value`, `#`/`!` comments, a trailing backslash continues a line, and the
 * escapes \t \n \r \f \\ \uXXXX. Enough of java.util.Properties#load for client settings files.
 */
export interface PropertiesError {
  line: number;
  reason: string;
}

export function parseProperties(text: string, onError: (error: PropertiesError) => never): Record<string, string> {
  const settings: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const firstLine = index + 1;
    let logical = lines[index]!.replace(/^\s+/, '');
    if (logical === '' || logical.startsWith('#') || logical.startsWith('!')) continue;
    while (endsWithContinuation(logical) && index + 1 < lines.length) {
      logical = logical.slice(0, -1) + lines[++index]!.replace(/^\s+/, '');
    }
    const separator = findSeparator(logical);
    const rawKey = separator === -1 ? logical : logical.slice(0, separator);
    let rest = separator === -1 ? '' : logical.slice(separator);
    // One separator ('=' or ':') with white space around it, or white space alone.
    rest = rest.replace(/^\s*[=:]?\s*/, '');
    const key = unescape(rawKey.trim(), firstLine, onError);
    if (key === '') onError({ line: firstLine, reason: `expected key=value (got ${JSON.stringify(logical)})` });
    settings[key] = unescape(rest, firstLine, onError);
  }
  return settings;
}

/** An odd number of trailing backslashes continues the line; an even number is escaped backslashes. */
function endsWithContinuation(line: string): boolean {
  let count = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) count++;
  return count % 2 === 1;
}

function findSeparator(line: string): number {
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (char === '\\') {
      i++;
      continue;
    }
    if (char === '=' || char === ':' || char === ' ' || char === '\t' || char === '\f') return i;
  }
  return -1;
}

function unescape(text: string, line: number, onError: (error: PropertiesError) => never): string {
  if (!text.includes('\\')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char !== '\\') {
      out += char;
      continue;
    }
    const next = text[++i];
    if (next === undefined) break;
    if (next === 'u') {
      const hex = text.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) onError({ line, reason: `malformed \\u escape (\\u${hex})` });
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else {
      out += { t: '\t', n: '\n', r: '\r', f: '\f' }[next] ?? next;
    }
  }
  return out;
}

/**
 * The inverse of parseProperties: one `key=value` line per setting, escaped so that it reads back
 * exactly (line breaks, backslashes, a value's leading blank, a key's separators and comment marks).
 */
export function formatProperties(settings: Readonly<Record<string, string>>): string {
  return Object.entries(settings)
    .map(([key, value]) => `${escapeText(key, 'key')}=${escapeText(value, 'value')}\n`)
    .join('');
}

const kControlEscapes: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\f': '\\f' };

function escapeText(text: string, part: 'key' | 'value'): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (kControlEscapes[char] !== undefined) out += kControlEscapes[char];
    // A key ends at its first unescaped separator; a line starting with # or ! is a comment.
    else if (part === 'key' && (char === '=' || char === ':' || char === ' ' || (i === 0 && (char === '#' || char === '!')))) out += `\\${char}`;
    // The reader drops blanks before a value.
    else if (part === 'value' && i === 0 && char === ' ') out += '\\ ';
    else out += char;
  }
  return out;
}
