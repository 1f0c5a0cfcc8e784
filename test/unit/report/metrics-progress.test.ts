import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Writable } from 'node:stream';
import { histogramFromCounts, kBucketBoundsSec, MetricsServer, parseMetricsText, renderMetrics } from '../../../src/report/metrics-server.js';
import { resolveWorkload } from '../../../src/options/workload.js';
import { Progress } from '../../../src/report/progress.js';
import { kCountsLength } from '../../../src/shared/layout.js';
import { countsIndexOf } from '../../../src/histogram/buckets.js';
import { fakeRunResult } from '../../helpers/fake-result.js';

function countsOf(valuesUs: number[]): Float64Array {
  const counts = new Float64Array(kCountsLength);
  for (const value of valuesUs) counts[countsIndexOf(value)]! += 1;
  return counts;
}

test('latency histogram: cumulative le buckets in seconds, +Inf = count', () => {
  const h = histogramFromCounts(countsOf([50, 700, 700, 20_000, 3_000_000]));
  assert.is(h.count, 5);
  assert.is(h.buckets[kBucketBoundsSec.indexOf(0.0001)], 1);
  assert.is(h.buckets[kBucketBoundsSec.indexOf(0.001)], 3);
  assert.is(h.buckets[kBucketBoundsSec.indexOf(0.025)], 4);
  assert.is(h.buckets[kBucketBoundsSec.indexOf(5)], 5);
  assert.is(h.buckets[h.buckets.length - 1], 5);
  assert.ok(Math.abs(h.sumSec - 3.02145) < 0.01, String(h.sumSec));
});

test('exposition text parses and carries the counters', async () => {
  const row = fakeRunResult({ e2e: true }).intervals[5]!;
  const produced = { counts: countsOf([1000, 2000]), counters: { sent: 10, acked: 7, failed: 1, ackedBytes: 0, backpressureWaits: 0, clampedLatencies: 0, negativeLatencies: 0, negativeSumUs: 0, blockedMicros: 0, sendMicros: 0, done: false } };
  const consumed = { counts: countsOf([5000]), counters: { ...produced.counters, acked: 6 } };
  const values = parseMetricsText(renderMetrics({ row, cumulative: { produced, consumed }, done: false }));
  assert.is(values.get('stampede_records_sent_total'), 10);
  assert.is(values.get('stampede_records_acked_total'), 7);
  assert.is(values.get('stampede_records_in_flight'), 2);
  assert.is(values.get('stampede_interval_records_per_second'), row.recordsPerSec);
  assert.is(values.get('stampede_produce_ack_latency_seconds_count'), 2);
  assert.is(values.get('stampede_produce_ack_latency_seconds_bucket{le="+Inf"}'), 2);
  assert.is(values.get('stampede_records_consumed_total'), 6);
  assert.is(values.get('stampede_consumer_lag_records'), row.lagRecords);
  assert.is(values.get('stampede_e2e_latency_seconds_count'), 1);

  const server = await MetricsServer.start(0, '127.0.0.1');
  try {
    server.update(row, { produced, consumed: undefined });
    const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    assert.match(response.headers.get('content-type') ?? '', /text\/plain; version=0\.0\.4/);
    assert.is(parseMetricsText(await response.text()).get('stampede_records_acked_total'), 7);
    assert.is((await fetch(`http://127.0.0.1:${server.port}/`)).status, 404);
  } finally {
    await server.close();
  }
});

/** Whether GET /metrics answers at this address (a refused connection: false). */
async function answersAt(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(5_000) })).status === 200;
  } catch {
    return false;
  }
}

test('/metrics listens on loopback unless asked: --metrics-host defaults to 127.0.0.1, 0.0.0.0 is every interface', async () => {
  // 127.0.0.2 is this host too, but not the address 127.0.0.1: only a wildcard bind answers there.
  const local = await MetricsServer.start(0);
  try {
    assert.ok(await answersAt(`http://127.0.0.1:${local.port}/metrics`), 'answers on 127.0.0.1');
    assert.not.ok(await answersAt(`http://127.0.0.2:${local.port}/metrics`), 'by default, not on another address');
  } finally {
    await local.close();
  }
  const everywhere = await MetricsServer.start(0, '0.0.0.0');
  try {
    assert.ok(await answersAt(`http://127.0.0.2:${everywhere.port}/metrics`), '0.0.0.0 answers on any address');
  } finally {
    await everywhere.close();
  }
  assert.is(resolveWorkload({}, { 'metrics-port': 0 }).metricsHost, '127.0.0.1');
  assert.is(resolveWorkload({}, { 'metrics-port': 0, 'metrics-host': '0.0.0.0' }).metricsHost, '0.0.0.0');
});

function sink(tty: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = new Writable({ write: (chunk, _e, done) => ((text += String(chunk)), done()) }) as unknown as NodeJS.WriteStream;
  (stream as { isTTY?: boolean }).isTTY = tty;
  return { stream, text: () => text };
}

test('progress: plain lines per 10 % with time left when not a terminal', () => {
  let now = 0;
  const out = sink(false);
  const progress = new Progress({ total: 1000, unit: 'records', stream: out.stream, now: () => now });
  for (const done of [50, 120, 130, 500, 1000]) {
    now += 1000;
    progress.update(done);
  }
  const lines = out.text().trimEnd().split('\n');
  assert.is(lines.length, 4, out.text()); // 5 %, 12 % (decile 1), 50 %, 100 % — 13 % is the same decile
  assert.match(lines[1]!, /^progress:\s+12\.0 %  120 of 1,000 records  about 15 s left$/);
  assert.match(lines[3]!, /100\.0 %.*done/);
  assert.not.match(out.text(), /\x1b|\r/);
});

test('progress: a bar redrawn in place on a terminal; steps as lines', () => {
  let now = 0;
  const out = sink(true);
  const progress = new Progress({ total: 4, unit: 'sweep points', label: 'sweep', stream: out.stream, now: () => now });
  now = 10_000;
  progress.update(1);
  assert.match(out.text(), /\r\x1b\[2Ksweep: \[#{7}-{21}\]  25\.0 %  1 of 4 sweep points  about 30 s left/);
  progress.step(2, 'workers=2: 500,000 rec/s');
  assert.match(out.text(), /\r\x1b\[2K\[2\/4\] workers=2: 500,000 rec\/s  about 10 s left\n$/);
});

test.run();
