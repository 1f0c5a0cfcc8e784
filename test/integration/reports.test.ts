import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { projectRoot } from '../../src/paths.js';
import { parseMetricsText } from '../helpers/metrics-text.js';
import { MetricsServer } from '../../src/report/metrics-server.js';
import { resolveWorkload } from '../../src/options/workload.js';
import { runWorkload } from '../../src/run/runner.js';
import type { RunResult } from '../../src/contracts/result.js';
import { freePort, startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runCli, userEnv } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'stampede-reports-'));
const reports = suite<{ kafka?: TestBroker }>('thresholds, /metrics and reports on a real broker');

reports.before(async (context) => {
  context.kafka = await startTestBroker();
});
reports.after(async (context) => {
  await context.kafka?.stop();
});

reports('thresholds pass and fail on a real --e2e run; --html, --hgrm and --csv are written', async ({ kafka }) => {
  const out = join(dir, 'thresholds.json');
  const common = ['run', '--brokers', kafka!.bootstrap, '--topic', 'thresholds', '--partitions', '3', '--devices', '1000', '--records', '30000', '--e2e', '--drain', '10s', '--profile', 'latency'];
  // A loaded test machine may lag its schedule; validity is not what these runs check.
  const passing = await runCli([...common, '--out', out, '--threshold', 'p99<10s', '--threshold', 'e2e.p999<20s', '--threshold', 'lost==0', '--threshold', 'acked==30000', '--html', '--hgrm', join(dir, 'hgrm'), '--csv', join(dir, 'rows.csv')], { timeoutMs: 120_000 });
  assert.is(passing.code, 0, passing.stdout + passing.stderr);
  assert.match(passing.stdout, /✓ lost==0\s+lost = 0 records/);
  assert.match(passing.stdout, /all 4 passed/);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.ok(result.thresholds!.every((t) => t.pass));
  assert.match(readFileSync(join(dir, 'thresholds.html'), 'utf8'), /chart-spectrum-e2e/);
  assert.match(readFileSync(join(dir, 'hgrm', 'e2e.hgrm'), 'utf8'), /TotalCount/);
  assert.is(readFileSync(join(dir, 'rows.csv'), 'utf8').trimEnd().split('\r\n').length, 1 + result.intervals.length);

  const failing = await runCli([...common.map((arg) => (arg === 'thresholds' ? 'thresholds-failing' : arg)), '--out', join(dir, 'failing.json'), '--threshold', 'p99<1us', '--threshold', 'rate>=1000000', '--threshold', 'lost==0'], { timeoutMs: 120_000 });
  assert.is(failing.code, 6, failing.stdout + failing.stderr);
  assert.match(failing.stdout, /✗ p99<1us\s+produce→ack p99 = /);
  assert.match(failing.stdout, /✗ rate>=1000000\s+rate = /);
  assert.match(failing.stdout, /2 of 3 failed/);
});

reports('/metrics on --metrics-port 0 (a free port, printed) counts up during a CLI run and parses as Prometheus text', async ({ kafka }) => {
  // The exit code is asserted below: the limit is raised so that a late schedule on this shared
  // host (exit 3) does not fail a test of the scrapes.
  const child = spawn(process.execPath, [join(projectRoot, 'bin', 'stampede.js'), 'run', '--brokers', kafka!.bootstrap, '--topic', 'metrics-cli', '--records', '50000', '--rate', '12500', '--interval', '250ms', '--max-publish-delay', '10s', '--metrics-port', '0', '--out', join(dir, 'metrics-cli.json')], { env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const acked: number[] = [];
  let port = 0;
  try {
    const deadline = Date.now() + 60_000;
    while (port === 0 && Date.now() < deadline && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      // Loopback unless --metrics-host says otherwise: the URL printed names where it listens.
      port = Number(/^metrics: http:\/\/127\.0\.0\.1:(\d+)\/metrics /m.exec(output)?.[1] ?? 0);
    }
    assert.ok(port > 0, `the port chosen is printed\n${output}`);
    while (Date.now() < deadline && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => undefined);
      if (text === undefined) continue;
      const values = parseMetricsText(text);
      acked.push(values.get('stampede_records_acked_total')!);
      assert.ok(values.has('stampede_produce_ack_latency_seconds_bucket{le="+Inf"}'));
      assert.ok(values.has('stampede_records_in_flight') && values.has('stampede_interval_records_per_second'));
    }
  } finally {
    if (child.exitCode === null) await exited;
  }
  // The scrapes are under test, not the schedule: a run that fell short of its rate on a busy host
  // (exit 3, NOT VALID) still ran every record, which is what the counts below need.
  const code = await exited;
  assert.ok(code === 0 || (code === 3 && /✗ NOT VALID: delivered/.test(output)), `exit ${code}\n${output}`);
  assert.match(output, /acked \(whole run\)\s+50,000/);
  const growing = acked.filter((value, i) => i > 0 && value > acked[i - 1]!).length;
  assert.ok(growing >= 3, `acked counted up mid-run: ${acked.join(', ')}`);
  assert.ok(acked.some((value) => value > 0 && value < 50_000), `a scrape saw a partial count: ${acked.join(', ')}`);
});

reports('/metrics at the end of a run: the acked counter equals the result\'s', async ({ kafka }) => {
  const metrics = await MetricsServer.start(0, '127.0.0.1');
  try {
    // The counters are tested, not the schedule: the limit is raised as above.
    const workload = resolveWorkload({}, { brokers: kafka!.bootstrap, topic: 'metrics-final', records: 40_000, rate: 20_000, interval: '250ms', e2e: true, drain: '10s', 'max-publish-delay': '10s' });
    const scraped: number[] = [];
    const result = await runWorkload(workload, {
      onInterval: (row, cumulative) => {
        metrics.update(row, cumulative);
        void fetch(`http://127.0.0.1:${metrics.port}/metrics`).then(async (r) => scraped.push(parseMetricsText(await r.text()).get('stampede_records_acked_total')!));
      },
    });
    metrics.markDone();
    const final = parseMetricsText(await (await fetch(`http://127.0.0.1:${metrics.port}/metrics`)).text());
    assert.is(final.get('stampede_records_acked_total'), result.totals.acked);
    assert.is(final.get('stampede_records_sent_total'), result.totals.sent);
    assert.is(final.get('stampede_records_in_flight'), 0);
    assert.is(final.get('stampede_run_done'), 1);
    assert.is(final.get('stampede_produce_ack_latency_seconds_count'), result.totals.acked);
    assert.is(final.get('stampede_records_consumed_total'), result.integrity!.consumed);
    assert.is(final.get('stampede_e2e_latency_seconds_count'), result.latency.endToEnd!.count);
    assert.ok(scraped.length >= 3 && scraped.some((v) => v < result.totals.acked), `scrapes during the run: ${scraped.join(', ')}`);
  } finally {
    await metrics.close();
  }
});

reports('/metrics per observed stage: records, latency histogram and percentiles, lost and duplicates, labelled by stage, equal to the result\'s', async ({ kafka }) => {
  const metrics = await MetricsServer.start(0, '127.0.0.1');
  try {
    // The stage reads the produced topic itself (a passthrough with nothing in between): no processor needed to check the series.
    const topic = `metrics-stage-${randomUUID().slice(0, 8)}`;
    const workload = resolveWorkload({}, { brokers: kafka!.bootstrap, topic, records: 20_000, rate: 10_000, interval: '250ms', observe: `${topic}:passthrough`, drain: '10s', 'max-publish-delay': '10s' });
    const during: string[] = [];
    const result = await runWorkload(workload, {
      onInterval: (row, cumulative) => {
        metrics.update(row, cumulative);
        void fetch(`http://127.0.0.1:${metrics.port}/metrics`).then(async (r) => during.push(await r.text()));
      },
    });
    metrics.markDone(result.stages);
    const final = parseMetricsText(await (await fetch(`http://127.0.0.1:${metrics.port}/metrics`)).text());
    const stage = result.stages![0]!;
    const label = `stage="${topic}"`;
    assert.is(final.get(`stampede_stage_records_total{${label}}`), 20_000);
    assert.is(final.get(`stampede_stage_latency_seconds_count{${label}}`), stage.latency!.count);
    assert.is(final.get(`stampede_stage_latency_seconds_bucket{${label},le="+Inf"}`), stage.latency!.count);
    assert.is(final.get(`stampede_stage_latency_quantile_seconds{${label},quantile="0.99"}`), stage.latency!.p99 / 1e6);
    assert.is(final.get(`stampede_stage_lost_records{${label}}`), 0);
    assert.is(final.get(`stampede_stage_duplicate_records{${label}}`), 0);
    assert.is(final.get(`stampede_stage_foreign_records{${label}}`), 0);
    assert.ok(during.some((text) => text.includes(`stampede_stage_records_per_second{${label}}`) && !text.includes('stampede_stage_lost_records')), 'rates while running, integrity only once done');
  } finally {
    await metrics.close();
  }
});

reports.run();
