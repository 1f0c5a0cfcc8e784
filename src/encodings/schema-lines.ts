/**
 * The line of a schema file where a field path is declared: each name's first declaration after
 * its parent's, as `"name": "x"` in an .avsc or `x = N` in a .proto. Messages point at it; a miss
 * gives the parent's line (or 1).
 */
export function lineOfName(text: string, path: readonly string[], style: 'avsc' | 'proto' = 'avsc'): number {
  let from = 0;
  for (const name of path) {
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const pattern = style === 'avsc' ? new RegExp(`"name"\\s*:\\s*"${escaped}"`, 'g') : new RegExp(`\\b${escaped}\\s*=\\s*\\d`, 'g');
    pattern.lastIndex = from;
    const match = pattern.exec(text);
    if (match === null) break;
    from = match.index;
  }
  return text.slice(0, from).split('\n').length;
}
