import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readModelFile, parseModel } from '../../../src/models/read-model.js';
import { modelFileOf } from '../../../src/models/resolve.js';
import { ModelRecordWriter } from '../../../src/models/record-writer.js';
import { DeviceSchedule } from '../../../src/models/schedule.js';
import { modelExpectedRecords } from '../../../src/models/expected.js';
import { BatchBuilder, unpackBatch } from '../../../src/records/batch.js';
import { planShards } from '../../../src/plan/shard.js';
import type { ModelSpec } from '../../../src/models/spec.js';

const kSendUs = 1_765_000_000_000_000;
const weather = readModelFile(modelFileOf('weather'));

/** Each device's records (key + value bytes, in order) of a shard sending `records`. */
function recordsByDevice(model: ModelSpec, shard: { firstDevice: number; deviceCount: number }, records: number, seed: number, encoding = model.encoding): Map<string, Buffer[]> {
  const writer = new ModelRecordWriter(model, shard, seed, encoding);
  const batch = new BatchBuilder();
  for (let i = 0; i < records; i++) writer.append(batch, kSendUs);
  const byDevice = new Map<string, Buffer[]>();
  for (const record of unpackBatch(batch.view())) {
    const key = String(record.key);
    byDevice.set(key, [...(byDevice.get(key) ?? []), Buffer.concat([record.key ?? Buffer.alloc(0), record.value])]);
  }
  return byDevice;
}

test('one thread or three shards: every device\'s records are the same bytes (state and randomness per device)', () => {
  for (const encoding of ['json', 'msgpack'] as const) {
    const one = recordsByDevice(weather, { firstDevice: 0, deviceCount: 300 }, 30_000, 5, encoding);
    const three = new Map<string, Buffer[]>();
    for (const shard of planShards({ firstDevice: 0, devices: 300, parts: 3, records: 30_000 })) for (const [key, list] of recordsByDevice(weather, shard, shard.records!, 5, encoding)) three.set(key, list);
    assert.equal([...three.keys()].sort(), [...one.keys()].sort(), 'the same devices are active');
    for (const [key, list] of one) {
      const other = three.get(key)!;
      const common = Math.min(list.length, other.length);
      assert.ok(common >= 100, `${key}: ${common} records in common`);
      for (let i = 0; i < common; i++) assert.ok(list[i]!.equals(other[i]!), `${encoding} ${key} record ${i}`);
    }
  }
});

test('the same seed gives byte-identical records; another seed, other records', () => {
  const bytes = (seed: number): Buffer => {
    const writer = new ModelRecordWriter(weather, { firstDevice: 0, deviceCount: 1000 }, seed);
    const batch = new BatchBuilder();
    for (let i = 0; i < 20_000; i++) writer.append(batch, kSendUs + i);
    return Buffer.from(batch.view());
  };
  assert.ok(bytes(11).equals(bytes(11)));
  assert.not.ok(bytes(11).equals(bytes(12)));
});

const weighted = parseModel('w.yaml', 'active: 0.5\nweights: { 1: 0.7, 3: 0.2, 10: 0.1 }\nfields:\n  id: { gen: device }\n  seq: { gen: seq }\n');

test('active share and rate weights: inactive devices send nothing, each device sends in proportion to its weight, sequences contiguous', () => {
  const schedule = new DeviceSchedule(weighted, 3, 0, 10_000);
  const counts = new Float64Array(10_000);
  const records = schedule.cycleRecords * 4;
  for (let i = 0; i < records; i++) counts[schedule.next()]!++;
  let active = 0;
  for (let offset = 0; offset < 10_000; offset++) {
    assert.is(counts[offset], schedule.weights[offset]! * 4, `device ${offset}`);
    if (counts[offset]! > 0) active++;
  }
  assert.ok(Math.abs(active / 10_000 - 0.5) < 0.02, `active share ${active / 10_000}`);
  const heavy = Array.from(schedule.weights).filter((weight) => weight === 10).length / active;
  assert.ok(Math.abs(heavy - 0.1) < 0.02, `weight-10 share ${heavy}`);
});

test('what each device sent follows from the shard\'s total alone, at any point in a cycle', () => {
  const schedule = new DeviceSchedule(weighted, 3, 500, 700);
  const counts = new Float64Array(700);
  const checkpoints = new Set([1, 17, 350, schedule.cycleRecords - 1, schedule.cycleRecords, schedule.cycleRecords + 123, 3 * schedule.cycleRecords + 999]);
  for (let sent = 1; sent <= Math.max(...checkpoints); sent++) {
    counts[schedule.next()]!++;
    if (!checkpoints.has(sent)) continue;
    for (let offset = 0; offset < 700; offset++) assert.is(schedule.recordsOf(offset, sent), counts[offset], `device ${offset} after ${sent}`);
  }
});

test('a run\'s expectation per device matches what its shards\' writers sent, across shards', () => {
  const plan = planShards({ firstDevice: 0, devices: 900, parts: 3, records: 50_000 });
  const sent = new Map<number, number>();
  for (const shard of plan) {
    const writer = new ModelRecordWriter(weighted, shard, 9);
    const batch = new BatchBuilder();
    for (let i = 0; i < shard.records!; i++) writer.append(batch, kSendUs);
    for (const record of unpackBatch(batch.view())) sent.set(Number(String(record.key)), (sent.get(Number(String(record.key))) ?? 0) + 1);
  }
  const expected = modelExpectedRecords(weighted, 9, plan, plan.map((shard) => shard.records!));
  let total = 0;
  for (const deviceId of expected.devices) {
    assert.is(expected.recordsPerDevice(deviceId), sent.get(deviceId) ?? 0, `device ${deviceId}`);
    total += expected.recordsPerDevice(deviceId);
  }
  assert.is(total, 50_000);
});

test('a shard whose devices all fall inactive by chance still sends: its most likely device does', () => {
  const sparse = parseModel('s.yaml', 'active: 0.001\nfields:\n  id: { gen: device }\n');
  const schedule = new DeviceSchedule(sparse, 1, 0, 5);
  assert.is(schedule.order.length, 1);
  assert.is(schedule.cycleRecords, 1);
});

test.run();
