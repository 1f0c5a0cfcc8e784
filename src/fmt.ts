/** The one place numbers get their units for people; JSON keeps raw numbers with units in names. */

// Built on first use: creating it loads ICU's number data (~60 ms of CPU), which every process and
// worker thread importing this module would otherwise pay at start-up whether it prints or not.
let integerFormat: Intl.NumberFormat | undefined;

export const formatCount = (value: number): string => (integerFormat ??= new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })).format(value);

export const formatRate = (recordsPerSec: number): string => `${formatCount(recordsPerSec)} rec/s`;

export const formatMbPerSec = (mbPerSec: number): string => `${mbPerSec.toFixed(mbPerSec < 10 ? 2 : 1)} MB/s`;

/** µs in, scaled to µs / ms / s so a human reads it at a glance. */
export function formatLatencyUs(latencyUs: number): string {
  if (latencyUs < 1000) return `${latencyUs.toFixed(0)} µs`;
  if (latencyUs < 1_000_000) return `${(latencyUs / 1000).toFixed(latencyUs < 10_000 ? 2 : 1)} ms`;
  return `${(latencyUs / 1_000_000).toFixed(2)} s`;
}

/** Nanoseconds for a column headed "ns/op": decimals only where they matter. */
export function formatNs(ns: number): string {
  if (ns < 10) return ns.toFixed(2);
  if (ns < 100) return ns.toFixed(1);
  return formatCount(ns);
}

/** µs as ms for a column headed "(ms)": about four significant digits. */
export function usToMs(latencyUs: number): string {
  // Latencies are recorded in whole µs: 0 means under half a microsecond (the null client's
  // hand-over), which "0.000" would state as no latency at all.
  if (latencyUs > -0.5 && latencyUs < 0.5) return '<0.001';
  const ms = latencyUs / 1000;
  return ms.toFixed(ms < 10 ? 3 : ms < 100 ? 2 : ms < 10_000 ? 1 : 0);
}

export function formatDurationMs(durationMs: number): string {
  return durationMs < 10_000 ? `${(durationMs / 1000).toFixed(2)} s` : `${(durationMs / 1000).toFixed(1)} s`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** Left column left-aligned, the rest right-aligned: a plain-text table. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ').trimEnd();
  return [line(header), widths.map((width) => '─'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}
