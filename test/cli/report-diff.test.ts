import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { fakeBenchMaxResult, fakeCompareResult, fakeRunResult } from '../helpers/fake-result.js';
import { wideRangeHdr } from '../helpers/hostile-hdr.js';

const dir = mkdtempSync(join(tmpdir(), 'stampede-report-cli-'));
const write = (name: string, doc: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return path;
};
const run = fakeRunResult({ e2e: true });
const baseline = write('baseline.json', run);
const doctored = write('doctored.json', { ...run, totals: { ...run.totals, recordsPerSec: run.totals.recordsPerSec * 0.8 } });

test('diff of a result with itself passes (exit 0)', async () => {
  const outcome = await runCli(['diff', baseline, baseline], { timeoutMs: 30_000 });
  assert.is(outcome.code, 0, outcome.stderr);
  assert.match(outcome.stdout, /records\/s\s+400,000\s+400,000\s+0\.0 %\s+✓/);
  assert.match(outcome.stdout, /no regression beyond 10 %/);
});

test('diff with the rate 20 % lower fails with exit 5; --fail-above 25% passes; --out writes JSON', async () => {
  const outcome = await runCli(['diff', baseline, doctored], { timeoutMs: 30_000 });
  assert.is(outcome.code, 5, outcome.stdout + outcome.stderr);
  assert.match(outcome.stdout, /records\/s\s+400,000\s+320,000\s+-20\.0 %\s+✗/);
  assert.match(outcome.stdout, /✗ 1 metric\(s\) regressed beyond 10 %: records\/s/);
  const out = join(dir, 'diff.json');
  const relaxed = await runCli(['diff', baseline, doctored, '--fail-above', '25%', '--out', out], { timeoutMs: 30_000 });
  assert.is(relaxed.code, 0, relaxed.stdout);
  assert.is(JSON.parse(readFileSync(out, 'utf8')).kind, 'diff');
});

test('diff compares observed stages by name and fails on a stage that lost records', async () => {
  const piped = fakeRunResult({ stages: true });
  const lossy = JSON.parse(JSON.stringify(piped));
  lossy.stages[0].integrity.lost = 12;
  const outcome = await runCli(['diff', write('piped.json', piped), write('lossy.json', lossy)], { timeoutMs: 30_000 });
  assert.is(outcome.code, 5, outcome.stdout + outcome.stderr);
  assert.match(outcome.stdout, /stage enriched p99 \(ms\)\s+\S+\s+\S+\s+0\.0 %\s+✓/);
  assert.match(outcome.stdout, /✗ 1 metric\(s\) regressed beyond 10 %: stage enriched lost/);
});

test('diff works on compare and bench-max results', async () => {
  const compare = write('compare.json', fakeCompareResult());
  assert.is((await runCli(['diff', compare, compare], { timeoutMs: 30_000 })).code, 0);
  const outcome = await runCli(['diff', write('bench-a.json', fakeBenchMaxResult()), write('bench-b.json', fakeBenchMaxResult(0.5))], { timeoutMs: 30_000 });
  assert.is(outcome.code, 5);
  assert.match(outcome.stdout, /rdkafka_performance \(C\) records\/s .*-50\.0 %\s+✗/);
});

test('report writes the page, .hgrm files and CSV from several inputs', async () => {
  const html = join(dir, 'out', 'report.html');
  const outcome = await runCli(['report', baseline, doctored, write('bench.json', fakeBenchMaxResult()), '--html', html, '--hgrm', join(dir, 'hgrm'), '--csv', join(dir, 'rows.csv')], { timeoutMs: 30_000 });
  assert.is(outcome.code, 0, outcome.stderr);
  assert.ok(existsSync(html));
  assert.ok(existsSync(join(dir, 'hgrm', 'baseline-produce-ack.hgrm')) && existsSync(join(dir, 'hgrm', 'doctored-e2e.hgrm')));
  assert.is(readFileSync(join(dir, 'rows.csv'), 'utf8').trimEnd().split('\r\n').length, 1 + 2 * run.intervals.length);
});

const rejects: [string, string[], RegExp][] = [
  ['a malformed threshold', ['run', '--client', 'null', '--threshold', 'p99<<50ms'], /--threshold "p99<<50ms" is not a threshold/],
  ['a threshold on an unknown metric', ['run', '--client', 'null', '--threshold', 'latency<5ms'], /unknown metric "latency"/],
  ['a malformed threshold in a workload file', ['run', '--workload', write('t.yaml', 'client: null\nthreshold:\n  - p99<50ms\n  - rate>>1\n')], /t\.yaml: threshold "rate>>1" is not a threshold/],
  ['a report of a file that is not a result', ['report', write('other.json', { hello: 1 }), '--csv', join(dir, 'x.csv')], /other\.json is not a stampede result/],
  ['a report without an output', ['report', baseline], /name at least one output/],
  ['a diff of different kinds', ['diff', baseline, write('c.json', fakeCompareResult())], /cannot diff a run result/],
  ['a bad --fail-above', ['diff', baseline, baseline, '--fail-above', 'lots'], /--fail-above must be a percentage/],
  ['a diff of a result file of the wrong shape', ['diff', write('shape.json', { totals: {}, latency: {}, intervals: [] }), baseline], /^stampede: result file \S*shape\.json is not a valid run result: tool must be an object \(got nothing\)\n$/],
  ['a report of a result file of the wrong shape', ['report', write('shape2.json', { totals: {}, latency: {}, intervals: [] }), '--csv', join(dir, 'y.csv')], /shape2\.json is not a valid run result: tool must be an object/],
  ['a report of a histogram claiming a huge range', ['report', write('wide.json', { ...run, latency: { ...run.latency, produceAck: { ...run.latency.produceAck, hdr: wideRangeHdr() } } }), '--hgrm', join(dir, 'wide')], /wide\.json is not a valid run result: latency\.produceAck\.hdr is not a usable HdrHistogram/],
  ['a merge of an instance claiming 10^15 instances', ['merge', write('many.json', { ...run, instance: { id: 0, count: 1e15, runId: 'r', runIdFrom: 'option', slice: null } })], /many\.json: instance\.count must be an integer from 1 to 100000 \(got 1000000000000000\)/],
  ['a metrics port out of range', ['run', '--client', 'null', '--metrics-port', '70000'], /--metrics-port must be an integer from 0 to 65535/],
];
for (const [name, args, mentions] of rejects) {
  test(`rejects ${name} (exit 2, one line)`, async () => {
    const outcome = await runCli(args, { timeoutMs: 30_000 });
    assert.is(outcome.code, 2, outcome.stdout + outcome.stderr);
    assert.match(outcome.stderr.split('\n')[0] ?? '', /^stampede: /);
    assert.match(outcome.stderr, mentions);
    assert.not.match(outcome.stderr, /\n\s+at /);
  });
}

test('a null-client run checks its thresholds: ✓/✗ lines, in the JSON, exit 6 when one fails', async () => {
  const out = join(dir, 'null-run.json');
  const outcome = await runCli(['run', '--client', 'null', '--records', '20000', '--out', out, '--threshold', 'acked==20000', '--threshold', 'errors>0', '--threshold', 'e2e.p99<1s'], { timeoutMs: 60_000 });
  assert.is(outcome.code, 6, outcome.stdout + outcome.stderr);
  assert.match(outcome.stdout, /✓ acked==20000\s+acked = 20,000 records/);
  assert.match(outcome.stdout, /✗ errors>0\s+errors = 0 records/);
  assert.match(outcome.stdout, /✗ e2e\.p99<1s\s+end to end p99 = no data/);
  const result = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(result.thresholds.map((t: { pass: boolean }) => t.pass), [true, false, false]);
  // What a run writes passes the result-file checks of report and diff.
  const diff = await runCli(['diff', out, out], { timeoutMs: 30_000 });
  assert.is(diff.code, 0, diff.stdout + diff.stderr);
  const report = await runCli(['report', out, '--html', join(dir, 'null-run.html'), '--hgrm', join(dir, 'null-hgrm')], { timeoutMs: 30_000 });
  assert.is(report.code, 0, report.stdout + report.stderr);
});

test.run();
