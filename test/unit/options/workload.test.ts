import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWorkloadFile, resolveWorkload } from '../../../src/options/workload.js';
import { OPTION_SPECS, type OptionKind } from '../../../src/options/schema.js';
import { parseDurationMs } from '../../../src/options/parse.js';
import { CONSUME_OPTION_SPECS } from '../../../src/options/consume-schema.js';

test('defaults come from the one schema', () => {
  const workload = resolveWorkload({}, {});
  assert.is(workload.devices, 100_000);
  assert.is(workload.rateRecordsPerSec, undefined);
  assert.is(workload.durationMs, 30_000);
  assert.is(workload.client, 'native');
  assert.equal(workload.producerProps, {});
});

test('flags override the workload file, which overrides defaults', () => {
  const workload = resolveWorkload({ devices: 500, rate: 1000, topic: 'from-file' }, { devices: '700' }, 'w.yaml');
  assert.is(workload.devices, 700);
  assert.is(workload.rateRecordsPerSec, 1000);
  assert.is(workload.topic, 'from-file');
});

test('errors name the file and field when the bad value came from the file', () => {
  assert.throws(() => resolveWorkload({ devices: -3 }, {}, 'w.yaml'), /w\.yaml: devices must be an integer from 1 to 100000000 \(got -3\)/);
  assert.throws(() => resolveWorkload({}, { devices: '-3' }), /--devices must be an integer from 1 to 100000000 \(got "-3"\)/);
});

test('durations accept ms, s, m, h and bare seconds', () => {
  assert.is(parseDurationMs('d', '500ms'), 500);
  assert.is(parseDurationMs('d', '30s'), 30_000);
  assert.is(parseDurationMs('d', '2m'), 120_000);
  assert.is(parseDurationMs('d', '1h'), 3_600_000);
  assert.is(parseDurationMs('d', 3), 3_000);
  assert.is(parseDurationMs('d', '1.5s'), 1_500);
});

/** Node's timers take at most this many ms; a longer delay fires after 1 ms instead. */
const kLongestTimerMs = 2 ** 31 - 1;

test('durations are bounded below what a Node timer holds: 600h is refused by name, not run', () => {
  for (const flag of ['timeout', 'warmup', 'duration', 'interval', 'drain']) {
    assert.throws(() => resolveWorkload({}, { [flag]: '600h' }), new RegExp(`--${flag} must be a duration of at most \\d+h \\(got "600h"\\)`), flag);
  }
  assert.throws(() => resolveWorkload({}, { stall: '1s@600h' }), /--stall must be a duration of at most 168h/);
  assert.throws(() => resolveWorkload({}, { fault: 'broker-restart@1s:600h' }), /--fault must be a duration of at most 168h/);
  assert.is(resolveWorkload({}, { duration: '168h', timeout: '168h', warmup: '168h', interval: '1h' }).durationMs, 168 * 3_600_000);
  // Every duration option of every command: its largest accepted value fits a timer, one more ms does not parse.
  for (const spec of [...OPTION_SPECS, ...CONSUME_OPTION_SPECS]) {
    const kind = spec.kind as OptionKind;
    if (kind.type !== 'duration') continue;
    const largestMs = kind.maxMs ?? parseDurationMs('probe', '168h');
    assert.ok(largestMs <= kLongestTimerMs / 3, `--${spec.name}: ${largestMs} ms, three of them fit a timer`);
    assert.throws(() => parseDurationMs(`--${spec.name}`, `${largestMs + 1}ms`, kind.minMs, kind.maxMs), /at most/);
  }
});

test('producer props accept k=v lists and YAML mappings', () => {
  assert.equal(resolveWorkload({}, { 'producer-props': ['linger.ms=5', 'acks=all'] }).producerProps, { 'linger.ms': '5', acks: 'all' });
  assert.equal(resolveWorkload({ 'producer-props': [{ 'linger.ms': 5 }] }, {}).producerProps, { 'linger.ms': '5' });
});

test('a workload file with an unknown field is rejected by name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-wl-'));
  const path = join(dir, 'bad.yaml');
  writeFileSync(path, 'devics: 10\n');
  assert.throws(() => readWorkloadFile(path), /unknown field "devics"/);
});

test('every bundled workload file is valid', async () => {
  const { readdirSync } = await import('node:fs');
  const { configsDir } = await import('../../../src/paths.js');
  const dir = join(configsDir, 'workloads');
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.yaml'))) {
    const path = join(dir, name);
    resolveWorkload(readWorkloadFile(path), {}, path);
  }
});

test('every option has a description', () => {
  for (const spec of OPTION_SPECS) assert.ok(spec.describe.length > 10, spec.name);
});

test.run();
