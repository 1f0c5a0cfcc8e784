import { redactText } from '../connection/redact.js';
import type { HostIntervalLine } from '../fleet/host-lines.js';
import type { RunResult } from '../run/result.js';
import { formatCount, formatLatencyUs, formatRate, renderTable, usToMs } from './fmt.js';

/** --verbose: one indented line per host under the merged live line. */
export function hostLiveLine(line: HostIntervalLine): string {
  return `         ${line.host.padEnd(16)} ${line.status.padEnd(7)} ${formatRate(line.recordsPerSec).padStart(16)}  p99 ${formatLatencyUs(line.p99Us).padStart(9)}  acked ${formatCount(line.totalAcked)}`;
}

/** The per-host table and the clock line of a --hosts run, or the per-instance table of a merged file. */
export function renderFleetSummary(result: RunResult): string[] {
  const lines: string[] = [];
  if (result.hosts && result.fleet) {
    lines.push('');
    lines.push(
      renderTable(
        ['host', 'status', 'devices', 'sent', 'acked', 'errors', 'rec/s', 'p99 (ms)', 'clock offset (ms)', 'go +(ms)'],
        result.hosts.map((host) => [
          host.name,
          host.status,
          `${formatCount(host.slice.firstDevice)}+${formatCount(host.slice.deviceCount)}`,
          formatCount(host.totals.sent),
          formatCount(host.totals.acked),
          formatCount(host.totals.errors),
          formatCount(Math.round(host.recordsPerSec)),
          usToMs(host.produceAck.p99),
          `${(host.clock.offsetUs / 1000).toFixed(3)} ± ${(host.clock.uncertaintyUs / 1000).toFixed(3)}`,
          host.goAfterFirstUs === null ? '—' : (host.goAfterFirstUs / 1000).toFixed(2),
        ]),
      ),
    );
    const { fleet } = result;
    const bound = `clock skew bound ±${(fleet.clockSkewBoundUs / 1000).toFixed(3)} ms (measured over ssh, best of the round trips)`;
    lines.push(fleet.clockSkewExceeded ? `⚠ ${bound} exceeds --max-clock-skew ${(fleet.maxClockSkewUs / 1000).toFixed(3)} ms: cross-host end-to-end latency is uncertain by that much` : `✓ ${bound}, within --max-clock-skew ${(fleet.maxClockSkewUs / 1000).toFixed(3)} ms`);
    if (fleet.goSpreadUs !== null) lines.push(`go barrier: hosts started within ${(fleet.goSpreadUs / 1000).toFixed(2)} ms of each other (their own clocks, offset corrected)`);
    // An agent's failure is its own error text (librdkafka echoes rejected values): redacted like every message.
    for (const host of result.hosts) if (host.failure) lines.push(`✗ ${redactText(host.failure)}`);
  }
  const instances = result.instance?.instances;
  if (instances) {
    lines.push('');
    lines.push(`merged ${instances.length} instances of run ${result.instance!.runId}`);
    lines.push(
      renderTable(
        ['instance', 'status', 'devices', 'sent', 'acked', 'errors', 'rec/s', 'p99 (ms)', 'host'],
        instances.map((instance) => [
          String(instance.id),
          instance.status,
          instance.slice ? `${formatCount(instance.slice.firstDevice)}+${formatCount(instance.slice.deviceCount)}` : '—',
          formatCount(instance.totals.sent),
          formatCount(instance.totals.acked),
          formatCount(instance.totals.errors),
          formatCount(Math.round(instance.totals.recordsPerSec)),
          usToMs(instance.produceAck.p99),
          instance.host,
        ]),
      ),
    );
  }
  return lines;
}
