import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SweepResult } from '../../src/experiments/sweep.js';
import { checkPage } from '../helpers/chromium.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'stampede-sweep-page-'));

const kInspect = `(() => ({
  charts: [...document.querySelectorAll('svg.chart')].map((svg) => { const box = svg.getBoundingClientRect(); return { id: svg.id, width: box.width, height: box.height, bars: svg.querySelectorAll('rect.bar').length, axisLabels: [...svg.querySelectorAll('.axis-label')].map((t) => t.textContent) }; }),
  rows: [...document.querySelectorAll('table.sweep-points tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent)),
  header: [...document.querySelectorAll('table.sweep-points thead th')].map((th) => th.textContent),
  best: document.querySelector('p.best')?.textContent ?? '',
}))()`;

test('a sweep\'s page renders in headless Chromium: every point in the table, throughput, latency and CPU drawn per point, the best named', async () => {
  const out = join(dir, 'sweep.json');
  const html = join(dir, 'sweep.html');
  // The null client: the page is under test, so no broker is needed.
  const outcome = await runCli(['sweep', '--client', 'null', '--vary', 'workers=1,2', '--vary', 'record-size=100,300', '--format', 'fixed', '--rate', '500', '--duration', '1s', '--max-publish-delay', '5s', '--out', out, '--html', html], { timeoutMs: 60_000 });
  assert.is(outcome.code, 0, `${outcome.stdout}\n${outcome.stderr}`);
  const sweep = JSON.parse(readFileSync(out, 'utf8')) as SweepResult;
  const page = readFileSync(html, 'utf8');
  assert.not.match(page, /<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/, 'no script, no network address');
  const check = await checkPage(pathToFileURL(html).href, kInspect);
  writeFileSync(join(dir, 'sweep.png'), check.screenshotPng);
  assert.equal(check.errors, [], 'console errors');
  const value = check.value as { charts: { id: string; width: number; height: number; bars: number; axisLabels: string[] }[]; rows: string[][]; header: string[]; best: string };
  assert.equal(value.charts.map((chart) => chart.id), ['chart-sweep-throughput', 'chart-sweep-latency', 'chart-sweep-cpu']);
  for (const chart of value.charts) {
    assert.ok(chart.width > 300 && chart.height > 100, `${chart.id} is ${chart.width}×${chart.height}`);
    assert.is(chart.bars, chart.id === 'chart-sweep-latency' ? 4 * 3 : 4, `${chart.id}: a bar per point (and percentile)`);
    assert.is(chart.axisLabels[0], 'point');
  }
  assert.equal(value.header.slice(0, 4), ['#', 'workers', 'record-size', 'rec/s']);
  assert.equal(value.rows.map((row) => row.slice(1, 3)), [['1', '100'], ['1', '300'], ['2', '100'], ['2', '300']]);
  assert.is(value.rows.length, sweep.points.length);
  if (sweep.best.index !== null) {
    assert.match(value.best, /^best \(min-p99\): #\d workers=\d record-size=\d+/);
    assert.match(value.rows[sweep.best.index]![0]!, /★/, 'the best row is starred');
  } else assert.match(value.best, /^best \(min-p99\): none/);
});

test.run();
