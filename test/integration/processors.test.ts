import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runCli } from '../helpers/cli.js';
import { produceWithKcat, readTracedRecords, waitForRecords, type TracedRecord } from '../helpers/kcat-records.js';
import { buildProcessor, startProcessor, type ProcessorOptions } from '../helpers/processor.js';

/**
 * The Kafka Streams processor the pipeline tests run as "the user's processor", proven against a
 * real broker and read back with kcat: what each mode passes, and that map keeps headers and
 * timestamps. The input is stampede's iot-json records plus a few written by kcat with headers.
 */
const kStampedeRecords = 20_000;
const kHeaderedRecords = 500;
const kPartitions = 3;
const kWindowMs = 1000;
const kGraceMs = 500;
const kHeaders = { 'trace-run': 'r1', source: 'kcat' };

interface Context {
  kafka?: TestBroker;
  /** the raw topic as the processors find it */
  inputs?: TracedRecord[];
}

const processors = suite<Context>('Kafka Streams test processor on a real broker');

const identityOf = (record: TracedRecord): string => {
  const doc = JSON.parse(record.value) as { sensor_id: unknown; seq: unknown };
  return `${String(doc.sensor_id)}/${String(doc.seq)}`;
};
const temperatureOf = (record: TracedRecord): number => (JSON.parse(record.value) as { temperature: number }).temperature;

processors.before(async (context) => {
  const startedAt = Date.now();
  const build = await buildProcessor();
  if (build.buildMs > 0) console.log(`test processor built by Maven in ${(build.buildMs / 1000).toFixed(1)} s (${build.dir})`);
  else console.log(`test processor reused from ${build.dir} (${Date.now() - startedAt} ms)`);
  context.kafka = await startTestBroker();
  const bootstrap = context.kafka.bootstrap;
  const out = join(mkdtempSync(join(tmpdir(), 'stampede-processors-')), 'raw.json');
  const run = await runCli(['run', '--brokers', bootstrap, '--topic', 'raw', '--partitions', String(kPartitions), '--format', 'iot-json', '--devices', '40', '--records', String(kStampedeRecords), '--out', out], { timeoutMs: 120_000 });
  assert.is(run.code, 0, `${run.stdout}\n${run.stderr}`);
  // Devices 1000–1049, 10 readings each, with two headers on every record.
  const headered = Array.from({ length: kHeaderedRecords }, (_, i) => {
    const sensor = 1000 + (i % 50);
    const doc = { sensor_id: sensor, temperature: 15 + (i % 20), seq: Math.floor(i / 50), sent_at_us: Date.now() * 1000 };
    return `${sensor}\t${JSON.stringify(doc)}`;
  });
  await produceWithKcat(bootstrap, 'raw', headered, { headers: kHeaders });
  context.inputs = await readTracedRecords(bootstrap, 'raw');
  assert.is(context.inputs.length, kStampedeRecords + kHeaderedRecords, 'the raw topic holds what was written');
});

processors.after(async (context) => {
  await context.kafka?.stop();
});

/** Runs one processor over the raw topic until `expected` records are out, then stops it. */
async function processAll(context: Context, options: Omit<ProcessorOptions, 'bootstrap' | 'input'>, expected: number): Promise<TracedRecord[]> {
  const bootstrap = context.kafka!.bootstrap;
  const processor = await startProcessor({ bootstrap, input: 'raw', ...options });
  try {
    await waitForRecords(bootstrap, options.output, expected);
    // Anything past the expected count (a duplicate, a stray window) would show by now.
    await sleep(1500);
    return await readTracedRecords(bootstrap, options.output);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${processor.logTail()}`);
  } finally {
    await processor.stop();
  }
}

processors('map: every record comes out once, re-encoded with fields added, its key, timestamp and headers kept', async (context) => {
  const inputs = context.inputs!;
  const outputs = await processAll(context, { appId: 'map-app', output: 'mapped', mode: 'map' }, inputs.length);
  assert.is(outputs.length, inputs.length, 'one output per input');
  const byIdentity = new Map(inputs.map((record) => [identityOf(record), record]));
  let headered = 0;
  for (const output of outputs) {
    const input = byIdentity.get(identityOf(output));
    assert.ok(input, `output ${identityOf(output)} has an input`);
    byIdentity.delete(identityOf(output));
    assert.is(output.key, input!.key);
    assert.is(output.timestampMs, input!.timestampMs, 'timestamp kept');
    assert.is(output.headers, input!.headers, 'headers kept');
    if (output.headers !== '') headered += 1;
    const { temperature_f: fahrenheit, enriched_by: by, ...rest } = JSON.parse(output.value) as Record<string, unknown>;
    assert.equal(rest, JSON.parse(input!.value), 'every input field kept as it was');
    assert.is(fahrenheit, Math.round((((rest['temperature'] as number) * 9) / 5 + 32) * 100) / 100);
    assert.is(by, 'stampede-test-processor');
  }
  assert.is(byIdentity.size, 0, 'no input left out');
  assert.is(headered, kHeaderedRecords, 'the kcat records kept both headers');
});

processors('filter: exactly the records above the temperature threshold come out', async (context) => {
  const inputs = context.inputs!;
  const temperatures = inputs.map(temperatureOf).sort((a, b) => a - b);
  const threshold = temperatures[Math.floor(temperatures.length / 3)]!;
  const passing = inputs.filter((record) => temperatureOf(record) > threshold);
  assert.ok(passing.length > 0 && passing.length < inputs.length, `the threshold ${threshold} splits the input`);
  const outputs = await processAll(context, { appId: 'filter-app', output: 'filtered', mode: 'filter', threshold }, passing.length);
  assert.equal(outputs.map(identityOf).sort(), passing.map(identityOf).sort());
  assert.ok(outputs.every((output) => temperatureOf(output) > threshold));
});

processors('drop-headers: every record comes out once with no header, timestamp kept', async (context) => {
  const inputs = context.inputs!;
  const outputs = await processAll(context, { appId: 'drop-app', output: 'headerless', mode: 'drop-headers' }, inputs.length);
  assert.equal(outputs.map(identityOf).sort(), inputs.map(identityOf).sort());
  assert.ok(outputs.every((output) => output.headers === ''), 'no output has a header');
  const timestamps = new Map(inputs.map((record) => [identityOf(record), record.timestampMs]));
  assert.ok(outputs.every((output) => output.timestampMs === timestamps.get(identityOf(output))), 'timestamps kept');
});

interface WindowGroup {
  count: number;
  maxTemperature: number;
  newestMs: number;
}

/** What the window mode must emit: per key and 1 s window, count, highest temperature, newest timestamp. */
function expectedWindows(inputs: TracedRecord[]): Map<string, WindowGroup> {
  const groups = new Map<string, WindowGroup>();
  for (const record of inputs) {
    const id = `${record.key}@${record.timestampMs - (record.timestampMs % kWindowMs)}`;
    const group = groups.get(id) ?? { count: 0, maxTemperature: -Infinity, newestMs: 0 };
    group.count += 1;
    group.maxTemperature = Math.max(group.maxTemperature, temperatureOf(record));
    group.newestMs = Math.max(group.newestMs, record.timestampMs);
    groups.set(id, group);
  }
  return groups;
}

// Last: it appends flush records to the raw topic, which the tests above would see.
processors('window: one result per device per 1 s window once it closes, counts summing to the input, stamped with the newest input', async (context) => {
  const inputs = context.inputs!;
  const expected = expectedWindows(inputs);
  const bootstrap = context.kafka!.bootstrap;
  const processor = await startProcessor({ bootstrap, appId: 'window-app', input: 'raw', output: 'windows', mode: 'window', windowMs: kWindowMs, graceMs: kGraceMs });
  let outputs: TracedRecord[];
  try {
    // Windows close in stream time: one later record per partition closes every window of the input.
    const newestMs = Math.max(...inputs.map((record) => record.timestampMs));
    await sleep(Math.max(0, newestMs + kWindowMs + kGraceMs + 200 - Date.now()));
    for (let partition = 0; partition < kPartitions; partition++) {
      await produceWithKcat(bootstrap, 'raw', [`flush\t{"sensor_id":"flush","seq":${partition},"temperature":0}`], { partition });
    }
    await waitForRecords(bootstrap, 'windows', expected.size);
    await sleep(1500);
    outputs = await readTracedRecords(bootstrap, 'windows');
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${processor.logTail()}`);
  } finally {
    await processor.stop();
  }
  assert.is(outputs.length, expected.size, 'one result per device and window, none for the still-open flush windows');
  let total = 0;
  for (const output of outputs) {
    const doc = JSON.parse(output.value) as { sensor_id: string; window_start_ms: number; window_end_ms: number; count: number; max_temperature: number };
    const group = expected.get(`${output.key}@${doc.window_start_ms}`);
    assert.ok(group, `result for ${output.key} at ${doc.window_start_ms} matches an input window`);
    assert.is(doc.sensor_id, output.key);
    assert.is(doc.window_end_ms - doc.window_start_ms, kWindowMs);
    assert.is(doc.count, group!.count);
    assert.is(doc.max_temperature, group!.maxTemperature);
    assert.is(output.timestampMs, group!.newestMs, 'stamped with the newest contributing input');
    total += doc.count;
  }
  assert.is(total, inputs.length, 'counts sum to the input');
});

processors.run();
