import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkPage } from '../helpers/chromium.js';
import { runCli } from '../helpers/cli.js';
import { fakeBenchMaxResult, fakeCompareResult, fakeRunResult } from '../helpers/fake-result.js';

const dir = mkdtempSync(join(tmpdir(), 'stampede-browser-'));
const write = (name: string, doc: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(doc));
  return path;
};

/** What a person would check: every chart drawn at a real size with data in it, legends naming the inputs. */
const kInspect = `(() => {
  const charts = [...document.querySelectorAll('svg.chart')].map((svg) => {
    const box = svg.getBoundingClientRect();
    return { id: svg.id, width: box.width, height: box.height, marks: svg.querySelectorAll('path.series, rect.bar').length, axisLabels: [...svg.querySelectorAll('.axis-label')].map((t) => t.textContent) };
  });
  const inputs = [...document.querySelectorAll('ul.legend.inputs li')].map((li) => li.textContent);
  const runLegends = [...document.querySelectorAll('ul.legend.runs')].map((ul) => ul.textContent);
  return { charts, inputs, runLegends, text: document.body.innerText };
})()`;

test('the report page renders in headless Chromium: no console error, every chart drawn (one per pipeline stage, and the processor lag), every input in the legend', async () => {
  const files = [
    write('before.json', fakeRunResult({ e2e: true, stages: true, seed: 1 })),
    write('after.json', fakeRunResult({ e2e: true, stages: true, seed: 2, recordsPerSec: 330_000, medianUs: 26_000 })),
    write('compare.json', fakeCompareResult()),
    write('bench-max.json', fakeBenchMaxResult()),
  ];
  const html = join(dir, 'report.html');
  const outcome = await runCli(['report', ...files, '--html', html], { timeoutMs: 60_000 });
  assert.is(outcome.code, 0, outcome.stderr);
  const page = readFileSync(html, 'utf8');
  assert.not.match(page, /hunter2-secret/, 'secrets redacted');
  assert.not.match(page, /<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/, 'no script, no network address');

  const check = await checkPage(pathToFileURL(html).href, kInspect);
  const shot = join(dir, 'report.png');
  writeFileSync(shot, check.screenshotPng);
  console.log(`  screenshot: ${shot} (${check.screenshotPng.length} bytes)`);
  assert.equal(check.errors, [], 'console errors');
  const value = check.value as { charts: { id: string; width: number; height: number; marks: number; axisLabels: string[] }[]; inputs: string[]; runLegends: string[]; text: string };
  const ids = value.charts.map((c) => c.id);
  for (const id of ['chart-throughput', 'chart-latency-over-time', 'chart-spectrum-produce-ack', 'chart-spectrum-e2e', 'chart-partitions', 'chart-bench-max', 'chart-stage-0', 'chart-stage-1', 'chart-processor-lag']) assert.ok(ids.includes(id), `${id} in ${ids}`);
  for (const chart of value.charts) {
    assert.ok(chart.width > 300 && chart.height > 100, `${chart.id} is ${chart.width}×${chart.height}`);
    assert.ok(chart.marks > 0, `${chart.id} has data`);
    assert.ok(chart.axisLabels.length === 2 && chart.axisLabels.every((label) => /\(.+\)$|^(partition|tool|records)$/.test(label)), `${chart.id} axes name their units: ${chart.axisLabels}`);
  }
  for (const file of files) assert.ok(value.inputs.some((entry) => entry.includes(basename(file))), `legend names ${basename(file)}: ${value.inputs}`);
  for (const legend of value.runLegends) assert.ok(legend.includes('before') && legend.includes('after'), legend);
  assert.match(value.text, /workload, settings, versions, host/);
  assert.match(value.text, /Stage enriched: p99 latency per interval[\s\S]*Stage alerts: p99 latency per interval[\s\S]*Processor lag on each stage's input/);
  assert.is(value.charts.find((c) => c.id === 'chart-processor-lag')!.marks, 2, 'one lag line per run for the one watched stage (the aggregate has no processor group)');
  assert.ok(check.screenshotPng.length > 20_000, 'a screenshot with content');
});

test('a stepped run\'s page draws the curve: latency, achieved rate and lag against target rate, the knee and the level not held named', async () => {
  const file = write('stepped.json', fakeRunResult({ e2e: true, seed: 3, levels: [1_000, 2_000, 3_000, 4_000] }));
  const html = join(dir, 'stepped.html');
  const outcome = await runCli(['report', file, '--html', html], { timeoutMs: 60_000 });
  assert.is(outcome.code, 0, outcome.stderr);
  const check = await checkPage(pathToFileURL(html).href, kInspect);
  writeFileSync(join(dir, 'stepped.png'), check.screenshotPng);
  assert.equal(check.errors, [], 'console errors');
  const value = check.value as { charts: { id: string; width: number; height: number; marks: number; axisLabels: string[] }[]; text: string };
  for (const id of ['chart-curve-latency', 'chart-curve-rate', 'chart-curve-lag']) {
    const chart = value.charts.find((candidate) => candidate.id === id);
    assert.ok(chart, `${id} drawn: ${value.charts.map((c) => c.id)}`);
    assert.ok(chart!.width > 300 && chart!.height > 100 && chart!.marks > 0, `${id}: ${JSON.stringify(chart)}`);
    assert.is(chart!.axisLabels[0], 'target rate (records/s)');
  }
  const points = await checkPage(pathToFileURL(html).href, `[...document.querySelectorAll('#chart-curve-latency circle.point title')].map((t) => t.textContent)`);
  const titles = points.value as string[];
  assert.ok(titles.some((title) => /level 4,000 rec\/s: p99 [\d.]+ ms · NOT VALID/.test(title)), `the top level's point says NOT VALID: ${titles.slice(0, 4)}`);
  assert.ok(titles.filter((title) => /: p99 [\d.]+ ms/.test(title)).length === 4, 'one p99 point per level');
  assert.match(value.text, /knee: highest level meeting the thresholds 3,000 rec\/s, first failing 4,000 rec\/s/);
  assert.match(value.text, /4,000 rec\/s NOT VALID: achieved 3200 of 4000/);
});

test('a run without a schedule draws no curve', async () => {
  const file = write('plain.json', fakeRunResult({ seed: 4 }));
  const html = join(dir, 'plain.html');
  const outcome = await runCli(['report', file, '--html', html], { timeoutMs: 60_000 });
  assert.is(outcome.code, 0, outcome.stderr);
  assert.not.match(readFileSync(html, 'utf8'), /chart-curve-/);
});

test('the check itself catches a page that reaches for the network (CSP refusal logged as an error)', async () => {
  const html = join(dir, 'bad.html');
  writeFileSync(html, `<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src 'none'"><img src="http://127.0.0.1:9/x.png"><p>x</p>`);
  const check = await checkPage(pathToFileURL(html).href, 'document.title');
  assert.ok(check.errors.length > 0, 'an error was caught');
});

test.run();
