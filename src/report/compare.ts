import type { CompareResult } from '../experiments/compare.js';
import { formatCount, renderTable, usToMs } from '../fmt.js';

/** Micro vs through-the-broker vs end-to-end, side by side, then where a record's time goes. */
export function renderCompare(result: CompareResult): string {
  const { micro, broker, endToEnd } = result.modes;
  const e2e = endToEnd.latency.endToEnd;
  const modes = renderTable(
    ['mode', 'records/s', 'p50 (ms)', 'p99 (ms)', 'what the latency covers'],
    [
      ['(a) micro: null sink', formatCount(micro.totals.recordsPerSec), usToMs(micro.latency.produceAck.p50), usToMs(micro.latency.produceAck.p99), 'hand-over to the in-process sink'],
      [`(b) broker: ${broker.workload.client}`, formatCount(broker.totals.recordsPerSec), usToMs(broker.latency.produceAck.p50), usToMs(broker.latency.produceAck.p99), 'produce → broker ack'],
      ['(c) end to end', formatCount(endToEnd.totals.recordsPerSec), e2e ? usToMs(e2e.p50) : '—', e2e ? usToMs(e2e.p99) : '—', 'send → consumer receive'],
    ],
  );
  const breakdown = renderTable(
    ['stage', 'µs', 'measured as', 'from'],
    result.breakdown.map((row) => [row.stage, row.micros.toFixed(row.micros < 10 ? 3 : 0), row.kind === 'cpu-per-record' ? 'CPU per record, one thread' : 'median latency added', row.from]),
  );
  const slowdown = broker.totals.recordsPerSec > 0 ? (micro.totals.recordsPerSec / broker.totals.recordsPerSec).toFixed(1) : '—';
  return [
    modes,
    '',
    breakdown,
    '',
    `The micro number (a) measures only generation, encoding and bookkeeping: ${slowdown}× the broker rate (b), and its`,
    `sub-millisecond latency is not what a Kafka user sees; (b) and (c) are. --e2e cost ${costPct(broker, endToEnd)} of (b)'s throughput here.`,
  ].join('\n');
}

function costPct(broker: CompareResult['modes']['broker'], endToEnd: CompareResult['modes']['endToEnd']): string {
  if (broker.totals.recordsPerSec === 0) return '—';
  return `${((100 * (broker.totals.recordsPerSec - endToEnd.totals.recordsPerSec)) / broker.totals.recordsPerSec).toFixed(1)} %`;
}
