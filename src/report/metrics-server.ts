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
import type { IntervalRow } from '../contracts/result.js';
import type { StageResult } from '../contracts/stage.js';
import type { CumulativeSnapshots } from '../run/sample.js';
import { StampedeError } from '../errors.js';
import { histogramLines, metricBlock, sample } from './metrics-text.js';
import { stageMetricLines } from './metrics-stages.js';

export { histogramFromCounts, kBucketBoundsSec } from './metrics-text.js';

interface State {
  row: IntervalRow | undefined;
  cumulative: CumulativeSnapshots | undefined;
  done: boolean;
  /** --observe: the stages' final figures (integrity is only known once every stage has drained) */
  stages?: readonly StageResult[] | undefined;
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
  lines.push(...stageMetricLines(row?.stages, state.cumulative?.stages, state.stages));
  return `${lines.join('\n')}\n`;
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

  /** The run is over: its result's stage figures (integrity, highest lag) join the last interval's. */
  markDone(stages?: readonly StageResult[]): void {
    this.state.stages = stages;
    this.state.done = true;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
