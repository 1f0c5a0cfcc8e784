import type { RunResult } from '../contracts/result.js';
import { formatCount, formatDurationMs } from '../fmt.js';
import { renderFaults } from './fault-summary.js';

/** "availability: 1 stall, longest 21.0 s …" and failures by code: what a broker restart leaves in a run. */
export function renderAvailability(result: RunResult): string[] {
  const availability = result.availability;
  if (!availability) return [];
  const { stalls } = availability;
  const lines: string[] = [];
  const retries = availability.retries === null ? '' : `; retries ${formatCount(availability.retries)}`;
  if (stalls.length === 0) {
    lines.push(`✓ availability: no stall (no ${formatDurationMs(availability.resolutionMs)} interval without an ack while records were outstanding)${retries}`);
  } else {
    const longest = stalls.reduce((worst, stall) => (stall.endMs - stall.startMs > worst.endMs - worst.startMs ? stall : worst));
    const recovery =
      availability.recoveryMs === null ? 'never back to 90 % of the rate before it' : `back to ≥ 90 % of the rate before it ${formatDurationMs(availability.recoveryMs)} later`;
    lines.push(
      `✗ availability: ${stalls.length} stall${stalls.length > 1 ? 's' : ''} (no ack while records were outstanding), longest ${formatDurationMs(availability.longestStallMs)} ` +
        `from ${formatDurationMs(longest.startMs)} to ${formatDurationMs(longest.endMs)} after go, ${recovery} (±${formatDurationMs(availability.resolutionMs)}: one interval)${retries}`,
    );
    for (const stall of stalls.length > 1 ? stalls : []) {
      lines.push(`  stall ${formatDurationMs(stall.startMs)} → ${formatDurationMs(stall.endMs)}${stall.recoveryMs === null ? ', not recovered' : `, recovered in ${formatDurationMs(stall.recoveryMs)}`}`);
    }
  }
  for (const fault of result.faults ?? []) {
    if (fault.kind !== 'broker-restart') continue;
    const restarted = fault.restartedAtMs === undefined ? `not restarted${fault.error ? ` (${fault.error})` : ''}` : `restarted at ${formatDurationMs(fault.restartedAtMs)} (down ${formatDurationMs(fault.restartedAtMs - fault.killedAtMs)})`;
    lines.push(`fault injected: broker killed (SIGKILL) at ${formatDurationMs(fault.killedAtMs)}, ${restarted}; the broker answers again some seconds after its restart`);
  }
  lines.push(...renderFaults(result));
  const codes = Object.entries(availability.errorsByCode).sort((a, b) => b[1] - a[1]);
  if (codes.length > 0) lines.push(`errors by librdkafka code: ${codes.map(([code, count]) => `${code} ${formatCount(count)}`).join(', ')}`);
  return lines;
}
