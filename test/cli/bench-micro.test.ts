import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/paths.js';
import type { MicroResult } from '../../bench/micro/types.js';
import { runScript, type CliOutcome } from '../helpers/cli.js';

/** Runs the built micro suite as `npm run bench:micro` does, bounded in time. */
const benchMicro = (args: string[], timeoutMs = 60_000): Promise<CliOutcome> => runScript(join(projectRoot, 'dist', 'bench', 'micro', 'main.js'), args, { timeoutMs });

const dir = mkdtempSync(join(tmpdir(), 'stampede-micro-'));
const firstOut = join(dir, 'first.json');
const expectedSuites = [
  'device simulation',
  'encode iot-msgpack',
  'encode iot-json',
  'encode fixed 100 B',
  'histogram record',
  'histogram merge 4 regions',
  'batch pack 1000 × 100 B',
  'batch unpack 1000 × 100 B',
  'key hash murmur2 → 6 partitions',
  'e2e absorb iot-msgpack',
  'e2e absorb fixed 100 B',
  'records iot-msgpack (built-in)',
  'records iot-json (built-in)',
  ...['weather', 'simple', 'iot'].flatMap((model) => ['json', 'msgpack', 'text'].map((encoding) => `model ${model} ${encoding}`)),
  'encode weather avro (registry header)',
  'encode weather protobuf (registry header)',
  'model weather avro (registry header)',
];
let first: MicroResult | undefined;

test('--short runs every suite, prints a table with units and writes one JSON entry per suite', async () => {
  const outcome = await benchMicro(['--short', '--out', firstOut]);
  assert.is(outcome.code, 0, outcome.stderr);
  const result = JSON.parse(readFileSync(firstOut, 'utf8')) as MicroResult;
  first = result;
  assert.is(result.schemaVersion, 1);
  assert.is(result.kind, 'micro');
  assert.is(result.short, true);
  assert.is(result.runtime.name, 'node');
  assert.type(result.host.cpus, 'number');
  assert.equal(
    result.suites.map((suite) => suite.name),
    expectedSuites,
  );
  for (const suite of result.suites) {
    assert.ok(['record', 'interval', 'batch', 'key'].includes(suite.unit), `${suite.name} unit ${suite.unit}`);
    for (const field of ['nsPerOp', 'opsPerSec', 'samples', 'rmePct'] as const) {
      assert.ok(Number.isFinite(suite[field]) && suite[field] >= 0, `${suite.name}.${field} = ${suite[field]}`);
    }
    assert.ok(suite.nsPerOp > 0 && suite.opsPerSec > 0 && suite.samples > 0, suite.name);
    if (suite.unit === 'interval') assert.is(suite.recordsPerSec, undefined, suite.name);
    else assert.ok(Number.isFinite(suite.recordsPerSec) && suite.recordsPerSec! >= suite.opsPerSec, `${suite.name} records/s`);
  }

  const lines = outcome.stdout.split('\n');
  const headerAt = lines.findIndex((line) => line.startsWith('suite '));
  assert.ok(headerAt >= 0, outcome.stdout);
  assert.match(lines[headerAt]!, /ns\/op\s+ops\/s\s+records\/s\/thread\s+±%/);
  for (const suite of result.suites) {
    const row = lines.find((line) => line.startsWith(`${suite.name} `));
    assert.ok(row, `table row for ${suite.name}\n${outcome.stdout}`);
    assert.match(row!, new RegExp(`\\s${suite.unit}\\s`));
  }
  assert.match(outcome.stdout, /^machine: /m);
  assert.match(outcome.stdout, new RegExp(`result: ${firstOut.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
});

test('--baseline with a generous --fail-above passes and shows the change per suite', async () => {
  assert.ok(first, 'needs the first run');
  const outcome = await benchMicro(['--short', '--out', join(dir, 'second.json'), '--baseline', firstOut, '--fail-above', '1000000']);
  assert.is(outcome.code, 0, outcome.stderr);
  assert.match(outcome.stdout, /vs baseline \(ops\/s\)/);
  for (const name of expectedSuites) {
    const row = outcome.stdout.split('\n').find((line) => line.startsWith(`${name} `));
    assert.match(row ?? '', /[+−]\d+\.\d %$/, `change column for ${name}`);
  }
  const second = JSON.parse(readFileSync(join(dir, 'second.json'), 'utf8')) as MicroResult;
  assert.is(second.comparison?.suites.length, expectedSuites.length);
});

test('a baseline 100× faster with --fail-above 10 exits non-zero naming every regression; a suite it lacks is "new"', async () => {
  assert.ok(first, 'needs the first run');
  const doctored = {
    ...first,
    suites: first.suites.filter((suite) => suite.name !== 'histogram record').map((suite) => ({ ...suite, opsPerSec: suite.opsPerSec * 100, nsPerOp: suite.nsPerOp / 100 })),
  };
  const doctoredPath = join(dir, 'doctored.json');
  writeFileSync(doctoredPath, JSON.stringify(doctored));
  const outcome = await benchMicro(['--short', '--out', join(dir, 'third.json'), '--baseline', doctoredPath, '--fail-above', '10']);
  assert.is(outcome.code, 1, outcome.stderr);
  // Every suite but the one left out of the baseline is 100× slower than it.
  assert.match(outcome.stderr, new RegExp(`^bench-micro: ${expectedSuites.length - 1} suite\\(s\\) slower than the baseline by more than 10 %`));
  for (const name of expectedSuites.filter((suite) => suite !== 'histogram record')) assert.ok(outcome.stderr.includes(`${name} (−`), `names ${name}\n${outcome.stderr}`);
  assert.not.ok(outcome.stderr.includes('histogram record'), 'a suite missing from the baseline does not fail');
  assert.match(outcome.stdout.split('\n').find((line) => line.startsWith('histogram record ')) ?? '', /new$/);
});

const usageCases: [string, string[], RegExp][] = [
  ['an unknown flag', ['--shrot'], /Unknown argument: shrot/],
  ['--fail-above without --baseline', ['--fail-above', '10'], /fail-above -> baseline/],
  ['a --fail-above that is not a percentage', ['--baseline', 'x.json', '--fail-above', 'ten'], /--fail-above must be a percentage/],
  ['a missing baseline file', ['--baseline', join(dir, 'nope.json')], /--baseline .*nope\.json cannot be read \(ENOENT\)/],
  ['--out without a path', ['--out'], /Not enough arguments following: out/],
];

for (const [name, args, mentions] of usageCases) {
  test(`rejects ${name}: exit 2, one line on stderr, no stack`, async () => {
    const outcome = await benchMicro(args, 20_000);
    assert.is(outcome.code, 2, outcome.stderr);
    assert.is(outcome.stderr.trimEnd().split('\n').length, 1, outcome.stderr);
    assert.match(outcome.stderr, /^bench-micro: /);
    assert.match(outcome.stderr, mentions);
    assert.not.match(outcome.stderr, /\n\s+at /);
  });
}

test.run();
