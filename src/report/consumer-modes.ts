import type { RunResult } from '../contracts/result.js';
import { formatCount, formatDurationMs, formatLatencyUs, formatMbPerSec, formatRate, renderTable, usToMs } from '../fmt.js';

/** The --backlog and --consumer-churn parts of a run's summary; empty for a run with neither. */
export function renderConsumerModes(result: RunResult): string[] {
  const lines: string[] = [];
  const { backlog, churn } = result;
  if (backlog) {
    lines.push('');
    const asked = `${(backlog.askedBytes / 1e6).toFixed(1)} MB`;
    if (backlog.resumedAtMs === null) {
      lines.push(`✗ backlog ${asked}: the consumers never resumed (the run ended first)`);
    } else {
      const reached = backlog.resumedBecause === 'backlog-reached' ? 'reached' : 'NOT reached: the producers stopped first';
      lines.push(`backlog ${asked} ${reached} at ${formatDurationMs(backlog.resumedAtMs)}: ${(backlog.reachedBytes / 1e6).toFixed(1)} MB, ${formatCount(backlog.reachedRecords)} records behind; consumers resumed, producers still sending`);
      lines.push(
        `drain: ${formatRate(backlog.drain.recordsPerSec)}, ${formatMbPerSec(backlog.drain.mbPerSec)} consumed over ${formatDurationMs(backlog.drain.durationMs)} (${formatCount(backlog.drain.records)} records)`,
      );
      lines.push(
        backlog.recoveryMs === null
          ? `✗ lag never got back under ${formatCount(backlog.caughtUpBelowRecords)} records (one interval's worth): ${formatCount(backlog.lagAtEndRecords)} behind when the consumers stopped (--drain ${formatDurationMs(result.workload.drainMs)} after the producers)`
          : `✓ lag under ${formatCount(backlog.caughtUpBelowRecords)} records (one interval's worth) ${formatDurationMs(backlog.recoveryMs)} after the resume`,
      );
    }
  }
  if (churn) {
    lines.push('');
    lines.push(`consumer churn every ${formatDurationMs(churn.everyMs)}: ${churn.rebalances.length} rebalance(s); longest gap in consumption outside them ${formatDurationMs(churn.longestGapOutsideMs)}`);
    if (churn.rebalances.length > 0) {
      lines.push(
        renderTable(
          ['rebalance', 'at', 'members', 'pause', 'reading again after', 'e2e p99 (ms)', 'e2e max (ms)'],
          churn.rebalances.map((event) => [
            `consumer ${event.member} ${event.action}`,
            formatDurationMs(event.atMs),
            String(event.membersAfter),
            formatDurationMs(event.pauseMs),
            event.rebalancedAfterMs === null ? 'not settled' : formatDurationMs(event.rebalancedAfterMs),
            usToMs(event.endToEnd.p99),
            usToMs(event.endToEnd.max),
          ]),
        ),
      );
    }
    const { aroundRebalances: around, others } = churn.endToEnd;
    lines.push(`e2e p99 around rebalances ${formatLatencyUs(around.p99)} (${formatCount(around.count)} records) vs the others ${formatLatencyUs(others.p99)} (${formatCount(others.count)} records)`);
  }
  return lines;
}
