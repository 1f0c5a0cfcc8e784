import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveMaxInput } from '../../../src/cli/max-command.js';
import { resolveMaxOptions } from '../../../src/options/max-settings.js';

test('defaults: 10 s steps after a 2 s warmup, 10 steps at most, 5 % precision, the floor from the measured max', () => {
  const { workload, settings, ignored } = resolveMaxInput({ slo: ['p99<50ms'] });
  assert.is(settings.stepDurationMs, 10_000);
  assert.is(settings.stepWarmupMs, 2_000);
  assert.is(settings.maxSteps, 10);
  assert.is(settings.precision, 0.05);
  assert.is(settings.floorRecordsPerSec, undefined);
  assert.equal(settings.slo.map((threshold) => threshold.source), ['p99<50ms']);
  assert.is(workload.rateRecordsPerSec, undefined);
  assert.equal(ignored, []);
});

test('--warmup, when given, is every step\'s warmup, 0 s included', () => {
  assert.is(resolveMaxInput({ slo: ['p99<50ms'], warmup: '5s' }).settings.stepWarmupMs, 5_000);
  assert.is(resolveMaxInput({ slo: ['p99<50ms'], warmup: '0s' }).settings.stepWarmupMs, 0);
});

test('several --slo all count; precision as 5% or 5; the last of a repeated flag wins', () => {
  const options = resolveMaxOptions({ slo: ['p99<50ms', 'e2e.p99<200ms'], precision: ['10', '2.5%'], floor: '5000', 'step-duration': '3s', 'max-steps': '4' });
  assert.is(options.slo.length, 2);
  assert.is(options.precision, 0.025);
  assert.is(options.floorRecordsPerSec, 5_000);
  assert.is(options.stepDurationMs, 3_000);
  assert.is(options.maxSteps, 4);
});

test('a workload file\'s duration and rate are ignored, and said to be; rate: max is not news', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-max-schema-'));
  const file = join(dir, 'w.yaml');
  writeFileSync(file, 'rate: max\nduration: 30s\nwarmup: 3s\n');
  const { settings, ignored } = resolveMaxInput({ slo: ['p99<50ms'], workload: file });
  assert.equal(ignored, ['duration']);
  assert.is(settings.stepWarmupMs, 3_000, 'a file\'s warmup counts as given');
  writeFileSync(file, 'rate: 5000\n');
  assert.equal(resolveMaxInput({ slo: ['p99<50ms'], workload: file }).ignored, ['rate']);
});

test.run();
