import type { ThresholdOutcome } from '../contracts/verdicts.js';
import { LATENCY_KINDS } from '../histogram/latency-kinds.js';
import { formatObserved } from '../verdicts/thresholds.js';

/** How a metric reads to a person: "produce→ack p99", "e2e max", "rate". */
function readableMetric(outcome: ThresholdOutcome): string {
  const dot = outcome.metric.indexOf('.');
  const kind = outcome.metric.slice(0, dot);
  const stat = outcome.metric.slice(dot + 1);
  const title = LATENCY_KINDS.find((k) => k.key === kind)?.title;
  return title === undefined ? outcome.metric : `${title} ${stat}`;
}


/** One line per threshold: "✓ p99<50ms   produce→ack p99 = 12.3 ms". */
export function renderThresholds(outcomes: readonly ThresholdOutcome[]): string {
  const width = Math.max(...outcomes.map((o) => o.threshold.length));
  const lines = outcomes.map((o) => `${o.pass ? '✓' : '✗'} ${o.threshold.padEnd(width)}  ${readableMetric(o)} = ${formatObserved(o)}${o.observed === null ? ' (the run did not measure it)' : ''}`);
  const failed = outcomes.filter((o) => !o.pass).length;
  return ['thresholds', ...lines, failed === 0 ? `all ${outcomes.length} passed` : `${failed} of ${outcomes.length} failed`].join('\n');
}
