import type { ClusterFaultEvent, ClusterTimeline, FaultWindowStats } from '../contracts/faults.js';
import type { RunResult } from '../contracts/result.js';
import { formatDurationMs, formatLatencyUs } from '../fmt.js';

/** "12 failed (NOT_ENOUGH_REPLICAS 10, _MSG_TIMED_OUT 2)", most first; empty when none failed. */
function failures(window: FaultWindowStats): string {
  const codes = Object.entries(window.errorsByCode ?? {}).sort((a, b) => b[1] - a[1]);
  const failed = Math.max(window.errors, codes.reduce((sum, [, count]) => sum + count, 0));
  if (failed === 0) return '';
  const named = codes.length === 0 ? '' : ` (${codes.map(([code, count]) => `${code} ${count.toLocaleString('en-US')}`).join(', ')})`;
  return `, ${failed.toLocaleString('en-US')} failed${named}`;
}

function stats(window: FaultWindowStats | null | undefined): string {
  if (!window) return 'no intervals';
  const e2e = window.e2eP99Us === null ? '' : `, e2e p99 ${formatLatencyUs(window.e2eP99Us)}`;
  return `${Math.round(window.recordsPerSec).toLocaleString('en-US')} rec/s, p50 ${formatLatencyUs(window.p50Us)}, p99 ${formatLatencyUs(window.p99Us)}${e2e}${failures(window)}`;
}

/** "fault kill-leader on node 2 (leader of iot-3) 10.0 s → 25.1 s: before …; during …; recovered 6.0 s after it began". */
export function renderClusterFault(event: ClusterFaultEvent): string[] {
  const nodes = event.nodes.length === 0 ? '' : ` on node${event.nodes.length > 1 ? 's' : ''} ${event.nodes.join(', ')}`;
  const target = event.target ? ` (${event.target})` : '';
  const end = event.endMs === null ? 'still in effect at the end (undone then)' : formatDurationMs(event.endMs);
  const recovery =
    event.recoveryMs === undefined || event.recoveryMs === null ? 'not recovered within the run' : event.recoveryMs === 0 ? 'no interval hurt' : `recovered ${formatDurationMs(event.recoveryMs)} after it began (rate ≥ 90 %, p99 < 2× before)`;
  const lines = [`fault ${event.kind}${nodes}${target} ${formatDurationMs(event.startMs)} → ${end}: ${recovery}${event.error ? `; ${event.error}` : ''}`];
  lines.push(`  before: ${stats(event.before)}`, `  during: ${stats(event.during)}`);
  if (event.after !== undefined) lines.push(`  after:  ${stats(event.after)}`);
  return lines;
}

export function renderClusterTimeline(timeline: ClusterTimeline): string[] {
  const moved = timeline.partitions.filter((partition) => partition.leaderChanges > 0 || partition.leaderlessMs > 0);
  const worstUnder = Math.max(0, ...timeline.samples.map((sample) => sample.underReplicated));
  const lowestIsr = Math.min(...timeline.samples.map((sample) => sample.minIsr));
  const lines = [
    `cluster: ${timeline.samples.length} metadata polls of ${timeline.topic}; under-replicated partitions at most ${worstUnder}, smallest ISR ${Number.isFinite(lowestIsr) ? lowestIsr : '?'}; ${timeline.fullIsrAtEnd ? 'ISR full at the last poll' : 'ISR not yet full at the last poll'}`,
  ];
  for (const partition of moved) {
    lines.push(`  ${timeline.topic}-${partition.partition}: ${partition.leaderChanges} leader change${partition.leaderChanges === 1 ? '' : 's'}, without a running leader ${formatDurationMs(partition.leaderlessMs)}`);
  }
  return lines;
}

export function renderFaults(result: RunResult): string[] {
  const lines: string[] = [];
  for (const event of result.faults ?? []) if (event.kind !== 'broker-restart') lines.push(...renderClusterFault(event));
  if (result.cluster) lines.push(...renderClusterTimeline(result.cluster));
  return lines;
}
