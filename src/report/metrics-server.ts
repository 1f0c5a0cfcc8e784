/**
 * `--metrics-port` (on `--metrics-host`): Prometheus' text exposition format (version 0.0.4) written by hand — a few
 * lines of `# HELP`/`# TYPE` and samples, so no client library is needed and nothing registers
 * process-global state. Latency is exported as real Prometheus histograms (cumulative `le`
 * buckets in seconds) folded from the run's own cumulative HDR counts, so `histogram_quantile`
 * works and several hosts' series add up. Served from the coordinator, which for a multi-host run
 * already holds the merged snapshots.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lowestValueAtIndex } from '../shared/buckets.js';
import type { IntervalRow } from '../contracts/result.js';
import type { CumulativeSnapshots } from '../run/sample.js';
import { kCountsLength } from '../shared/layout.js';
import { StampedeError } from '../errors.js';

/** Upper bounds in seconds: 100 µs to 60 s, covering a low-latency profile and a backlogged consumer. */
export const kBucketBoundsSec = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

let bucketOfIndex: Int32Array | undefined;
/** Which Prometheus bucket each HDR count index falls in (computed once). */
function bucketIndexes(): Int32Array {
  if (bucketOfIndex) return bucketOfIndex;
  bucketOfIndex = new Int32Array(kCountsLength);
  for (let i = 0; i < kCountsLength; i++) {
    const seconds = lowestValueAtIndex(i) / 1e6;
    const bucket = kBucketBoundsSec.findIndex((bound) => seconds <= bound);
    bucketOfIndex[i] = bucket === -1 ? kBucketBoundsSec.length : bucket;
  }
  return bucketOfIndex;
}

/** Cumulative `le` counts (last = +Inf), and the sum of values in seconds. */
export function histogramFromCounts(counts: Float64Array): { buckets: number[]; count: number; sumSec: number } {
  const perBucket = new Array<number>(kBucketBoundsSec.length + 1).fill(0);
  const indexes = bucketIndexes();
  let sumUs = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i]!;
    if (count === 0) continue;
    perBucket[indexes[i]!]! += count;
    sumUs += count * lowestValueAtIndex(i);
  }
  let running = 0;
  const buckets = perBucket.map((count) => (running += count));
  return { buckets, count: running, sumSec: sumUs / 1e6 };
}

interface State {
  row: IntervalRow | undefined;
  cumulative: CumulativeSnapshots | undefined;
  done: boolean;
}

const sample = (name: string, value: number, labels = ''): string => `${name}${labels ? `{${labels}}` : ''} ${Number.isFinite(value) ? value : 0}`;

function metricBlock(name: string, type: 'counter' | 'gauge' | 'histogram', help: string, lines: string[]): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines];
}

function histogramLines(name: string, counts: Float64Array): string[] {
  const { buckets, count, sumSec } = histogramFromCounts(counts);
  return [
    ...kBucketBoundsSec.map((bound, i) => sample(`${name}_bucket`, buckets[i]!, `le="${bound}"`)),
    sample(`${name}_bucket`, buckets[buckets.length - 1]!, 'le="+Inf"'),
    sample(`${name}_sum`, sumSec),
    sample(`${name}_count`, count),
  ];
}

/** The exposition text for the state after the latest interval. */
export function renderMetrics(state: State): string {
  const produced = state.cumulative?.produced.counters;
  const consumed = state.cumulative?.consumed;
  const row = state.row;
  const lines: string[] = [
    ...metricBlock('stampede_records_sent_total', 'counter', 'Records handed to the client, whole run.', [sample('stampede_records_sent_total', produced?.sent ?? 0)]),
    ...metricBlock('stampede_records_acked_total', 'counter', 'Records the broker acknowledged, whole run.', [sample('stampede_records_acked_total', produced?.acked ?? 0)]),
    ...metricBlock('stampede_records_failed_total', 'counter', 'Records whose delivery failed, whole run.', [sample('stampede_records_failed_total', produced?.failed ?? 0)]),
    ...metricBlock('stampede_records_in_flight', 'gauge', 'Sent but neither acknowledged nor failed yet.', [sample('stampede_records_in_flight', produced ? produced.sent - produced.acked - produced.failed : 0)]),
    ...metricBlock('stampede_interval_records_per_second', 'gauge', 'Acknowledged records per second in the latest interval.', [sample('stampede_interval_records_per_second', row?.recordsPerSec ?? 0)]),
    ...metricBlock('stampede_run_done', 'gauge', '1 once every producer has ended and the result is assembled.', [sample('stampede_run_done', state.done ? 1 : 0)]),
    ...metricBlock('stampede_produce_ack_latency_seconds', 'histogram', 'Produce→ack latency (from the intended send time at a fixed rate), warmup included.', histogramLines('stampede_produce_ack_latency_seconds', state.cumulative?.produced.counts ?? new Float64Array(0))),
  ];
  if (consumed) {
    lines.push(
      ...metricBlock('stampede_records_consumed_total', 'counter', 'Records the --e2e consumers received.', [sample('stampede_records_consumed_total', consumed.counters.acked)]),
      ...metricBlock('stampede_consumer_lag_records', 'gauge', 'Acknowledged but not yet consumed, at the latest interval.', [sample('stampede_consumer_lag_records', row?.lagRecords ?? 0)]),
      ...metricBlock('stampede_e2e_latency_seconds', 'histogram', 'Send → consumer receive latency (wall clock).', histogramLines('stampede_e2e_latency_seconds', consumed.counts)),
    );
  }
  if (row?.stages && row.stages.length > 0) lines.push(...stageMetricLines(row.stages));
  return `${lines.join('\n')}\n`;
}

/** Prometheus label value escaping: backslash, double quote, line feed. */
const labelValue = (text: string): string => text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** --observe: each stage's latest interval, labelled by stage (a gauge each: the stage's rate, p99, and its processor's lag). */
function stageMetricLines(stages: NonNullable<IntervalRow['stages']>): string[] {
  const labelled = (name: string, value: (stage: (typeof stages)[number]) => number | null): string[] =>
    stages.flatMap((stage) => {
      const observed = value(stage);
      return observed === null ? [] : [sample(name, observed, `stage="${labelValue(stage.name)}"`)];
    });
  return [
    ...metricBlock('stampede_stage_records_per_second', 'gauge', 'Records read from an observed stage\'s topic per second in the latest interval.', labelled('stampede_stage_records_per_second', (stage) => stage.recordsPerSec)),
    ...metricBlock('stampede_stage_latency_p99_seconds', 'gauge', 'p99 send → stage read latency of the records read in the latest interval.', labelled('stampede_stage_latency_p99_seconds', (stage) => (stage.p99Us === null ? null : stage.p99Us / 1e6))),
    ...metricBlock('stampede_stage_processor_lag_records', 'gauge', 'The processor group\'s lag on the stage\'s input: log-end − committed offsets (--processor-group).', labelled('stampede_stage_processor_lag_records', (stage) => stage.processorLagRecords)),
  ];
}

/** The URL a scraper uses for a server on `host` (an IPv6 address in brackets). */
export const metricsUrl = (host: string, port: number): string => `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`;

/** An HTTP server for GET /metrics, fed from RunHooks.onInterval. */
export class MetricsServer {
  private readonly state: State = { row: undefined, cumulative: undefined, done: false };
  private constructor(private readonly server: Server, readonly port: number) {}

  /** Loopback unless asked (--metrics-host): the counters name topics and brokers, and anyone who reaches the port reads them. */
  static async start(port: number, host = '127.0.0.1'): Promise<MetricsServer> {
    let self: MetricsServer | undefined;
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('stampede serves GET /metrics\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(renderMetrics(self!.state));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => reject(new StampedeError('E_OPTION', `--metrics-host ${host} cannot serve /metrics (${err.code ?? err.message}) on --metrics-port ${port}`)));
      server.listen(port, host, () => resolve());
    });
    self = new MetricsServer(server, (server.address() as AddressInfo).port);
    return self;
  }

  update(row: IntervalRow, cumulative: CumulativeSnapshots): void {
    this.state.row = row;
    this.state.cumulative = cumulative;
  }

  markDone(): void {
    this.state.done = true;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
