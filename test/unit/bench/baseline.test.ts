import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareWithBaseline, loadBaseline, parseBaselineSuites, regressionsOf, type Baseline } from '../../../bench/micro/baseline.js';
import { formatChange, renderMicroTable, renderRegressions } from '../../../bench/micro/report.js';
import type { MicroResult, SuiteResult } from '../../../bench/micro/types.js';

const suite = (name: string, opsPerSec: number): SuiteResult => ({ name, unit: 'record', nsPerOp: 1e9 / opsPerSec, opsPerSec, recordsPerSec: opsPerSec, samples: 10, rmePct: 1 });
const baseline = (entries: [string, number][]): Baseline => ({ path: 'base.json', suites: entries.map(([name, opsPerSec]) => ({ name, opsPerSec })) });

const current = [suite('slower by 20 %', 800), suite('slower by 5 %', 950), suite('faster', 1500), suite('unchanged', 1000), suite('added since', 1000)];
const before = baseline([
  ['slower by 20 %', 1000],
  ['slower by 5 %', 1000],
  ['faster', 1000],
  ['unchanged', 1000],
  ['removed since', 1000],
]);

const byName = (comparison: ReturnType<typeof compareWithBaseline>, name: string) => comparison.suites.find((entry) => entry.name === name);

test('a suite slower by more than --fail-above is a regression; one within it is not', () => {
  const comparison = compareWithBaseline(current, before, 10);
  assert.is(byName(comparison, 'slower by 20 %')?.status, 'regressed');
  assert.ok(Math.abs(byName(comparison, 'slower by 20 %')!.changePct! + 20) < 1e-9);
  assert.is(byName(comparison, 'slower by 5 %')?.status, 'ok');
  assert.equal(regressionsOf(comparison).map((entry) => entry.name), ['slower by 20 %']);
});

test('faster and unchanged suites pass, with a positive or zero change', () => {
  const comparison = compareWithBaseline(current, before, 0);
  assert.is(byName(comparison, 'faster')?.status, 'ok');
  assert.ok(Math.abs(byName(comparison, 'faster')!.changePct! - 50) < 1e-9);
  assert.is(byName(comparison, 'unchanged')?.status, 'ok');
  assert.is(byName(comparison, 'unchanged')?.changePct, 0);
});

test('exactly --fail-above percent slower is still within the limit', () => {
  const comparison = compareWithBaseline([suite('edge', 750)], baseline([['edge', 1000]]), 25);
  assert.is(byName(comparison, 'edge')?.status, 'ok');
});

test('a suite missing from the baseline is "new", never a failure; one only in the baseline is listed as missing', () => {
  const comparison = compareWithBaseline(current, before, 0);
  assert.is(byName(comparison, 'added since')?.status, 'new');
  assert.is(byName(comparison, 'added since')?.changePct, undefined);
  assert.equal(comparison.missing, ['removed since']);
  assert.not.ok(regressionsOf(comparison).some((entry) => entry.name === 'added since'));
});

test('without --fail-above the comparison is shown but nothing fails', () => {
  const comparison = compareWithBaseline(current, before, null);
  assert.equal(regressionsOf(comparison), []);
  assert.ok(byName(comparison, 'slower by 20 %')!.changePct! < 0);
});

test('a baseline 100× faster fails every suite at --fail-above 10; a huge limit fails none', () => {
  const hundredTimes = baseline(current.map((entry) => [entry.name, entry.opsPerSec * 100]));
  assert.is(regressionsOf(compareWithBaseline(current, hundredTimes, 10)).length, current.length);
  assert.is(regressionsOf(compareWithBaseline(current, hundredTimes, 1_000_000)).length, 0);
});

test('the change column reads "−20.0 %", "+50.0 %" and "new"; regressions are named with their change', () => {
  const comparison = compareWithBaseline(current, before, 10);
  assert.is(formatChange(byName(comparison, 'slower by 20 %')), '−20.0 % ✗');
  assert.is(formatChange(byName(comparison, 'faster')), '+50.0 %');
  assert.is(formatChange(byName(comparison, 'added since')), 'new');
  assert.is(renderRegressions(regressionsOf(comparison), 10), '1 suite(s) slower than the baseline by more than 10 %: slower by 20 % (−20.0 %)');
});

test('the table gains a baseline column only when the run was compared', () => {
  const result: MicroResult = {
    schemaVersion: 1,
    kind: 'micro',
    startedAt: new Date(0).toISOString(),
    runtime: { name: 'node', version: process.versions.node },
    host: { hostname: 'h', platform: 'linux', release: '6', arch: 'x64', cpuModel: 'cpu', cpus: 2, memoryBytes: 2 ** 30 },
    short: true,
    suites: current,
  };
  const plain = renderMicroTable(result);
  assert.match(plain.split('\n')[0] ?? '', /suite\s+op\s+ns\/op\s+ops\/s\s+records\/s\/thread\s+±%$/);
  result.comparison = compareWithBaseline(current, before, 10);
  const compared = renderMicroTable(result);
  assert.match(compared.split('\n')[0] ?? '', /vs baseline \(ops\/s\)$/);
  assert.match(compared, /slower by 20 %.*−20\.0 % ✗/);
});

test('a baseline that is not a micro result, or has a malformed suite, is refused with its path', () => {
  assert.throws(() => parseBaselineSuites('x.json', { kind: 'bench-max', schemaVersion: 1, suites: [] }), /--baseline x\.json is not a micro benchmark result/);
  assert.throws(() => parseBaselineSuites('x.json', null), /is not a micro benchmark result/);
  assert.throws(() => parseBaselineSuites('x.json', { kind: 'micro', schemaVersion: 1, suites: [{ name: 'a', opsPerSec: 0 }] }), /malformed suite at index 0/);
  assert.equal(parseBaselineSuites('x.json', { kind: 'micro', schemaVersion: 1, suites: [{ name: 'a', opsPerSec: 5, extra: true }] }), [{ name: 'a', opsPerSec: 5 }]);
});

test('loadBaseline names an unreadable or non-JSON file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-baseline-'));
  assert.throws(() => loadBaseline(join(dir, 'nope.json')), /nope\.json cannot be read \(ENOENT\)/);
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{ not json');
  assert.throws(() => loadBaseline(broken), /broken\.json is not valid JSON/);
});

test.run();
