/** Parses Prometheus exposition text into name{labels} → value, as a scraper would read /metrics. */
export function parseMetricsText(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${JSON.stringify(line)}`);
    values.set(match[1]!, Number(match[2]));
  }
  return values;
}
