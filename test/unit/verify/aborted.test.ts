import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DeviceSimulator, newReading } from '../../../src/records/device.js';
import { abortedSequences, appendRange, excuseAborted } from '../../../src/verify/aborted.js';
import { SequenceTracker } from '../../../src/verify/sequence-tracker.js';
import { CompiledModel } from '../../../src/models/compile.js';
import { modelShardOrders } from '../../../src/models/expected.js';
import { parseModel } from '../../../src/models/read-model.js';

/** The reference: walk the simulator record by record and note each aborted record's (device, seq). */
function simulatedAborted(firstDevice: number, deviceCount: number, ranges: number[]): Map<number, number[]> {
  const simulator = new DeviceSimulator(firstDevice, deviceCount, 1);
  const reading = newReading();
  const end = ranges[ranges.length - 1] ?? 0;
  const aborted = new Map<number, number[]>();
  for (let k = 0; k < end; k++) {
    simulator.next(reading, 0);
    let inside = false;
    for (let i = 0; i < ranges.length; i += 2) if (k >= ranges[i]! && k < ranges[i + 1]!) inside = true;
    if (!inside) continue;
    const seqs = aborted.get(reading.deviceId) ?? [];
    appendRange(seqs, reading.seq, reading.seq + 1);
    aborted.set(reading.deviceId, seqs);
  }
  return aborted;
}

test('appendRange joins touching ranges and skips empty ones', () => {
  const ranges: number[] = [];
  appendRange(ranges, 0, 5);
  appendRange(ranges, 5, 8);
  appendRange(ranges, 8, 8);
  appendRange(ranges, 10, 12);
  assert.equal(ranges, [0, 8, 10, 12]);
});

test('abortedSequences matches the device simulator, for ranges shorter and longer than the device count', () => {
  for (const [firstDevice, deviceCount, ranges] of [
    [100, 7, [3, 5, 9, 30, 44, 45]],
    [0, 10, [0, 10]],
    [5, 3, [1, 2, 7, 8, 20, 41]],
    [0, 1, [4, 9]],
  ] as [number, number, number[]][]) {
    assert.equal(abortedSequences({ firstDevice, deviceCount }, ranges), simulatedAborted(firstDevice, deviceCount, ranges), `devices ${firstDevice}+${deviceCount}, ranges ${ranges}`);
  }
});

test("with a device model: the aborted (device, seq) are those the model's schedule sent in each range (active share, weights)", () => {
  const model = parseModel('w.yaml', 'active: 0.6\nweights: { 1: 0.7, 3: 0.2, 10: 0.1 }\nfields:\n  id: { gen: device }\n  seq: { gen: seq }\n');
  for (const [firstDevice, deviceCount, ranges] of [
    [40, 30, [3, 5, 9, 70, 100, 101, 130, 400]],
    [0, 5, [0, 1, 2, 60]],
  ] as [number, number, number[]][]) {
    const record = new CompiledModel(model, { firstDevice, deviceCount }, 9);
    const expected = new Map<number, number[]>();
    for (let k = 0; k < ranges[ranges.length - 1]!; k++) {
      record.advance(0);
      let inside = false;
      for (let i = 0; i < ranges.length; i += 2) if (k >= ranges[i]! && k < ranges[i + 1]!) inside = true;
      if (!inside) continue;
      const seqs = expected.get(record.ctx.deviceId) ?? [];
      appendRange(seqs, record.ctx.seq, record.ctx.seq + 1);
      expected.set(record.ctx.deviceId, seqs);
    }
    const [order] = modelShardOrders(model, 9, [{ firstDevice, deviceCount }]);
    assert.equal(abortedSequences({ firstDevice, deviceCount }, ranges, order), expected, `devices ${firstDevice}+${deviceCount}`);
  }
});

test('excuseAborted: aborted records not read are neither lost nor counted read; committed ones missing are lost', () => {
  const shard = { firstDevice: 0, deviceCount: 2 };
  // 10 records: device 0 seqs 0..4, device 1 seqs 0..4; records 4..8 aborted (device 0 seqs 2,3; device 1 seqs 2,3).
  const tracker = new SequenceTracker();
  for (const seq of [0, 1, 4]) tracker.record(0, seq);
  for (const seq of [0, 1]) tracker.record(1, seq); // device 1 seq 4 (committed) is missing
  const check = excuseAborted(tracker, [shard], [[4, 8]]);
  assert.equal(check, { abortedRecords: 4, abortedRead: 0, abortedReadExamples: [] });
  const summary = tracker.summarize({ devices: [0, 1], recordsPerDevice: () => 5 });
  assert.is(summary.lost, 1);
  assert.is(summary.uniqueRecords, 5);
  assert.is(summary.devices, 2);
});

test('excuseAborted: an aborted record that was read is an aborted read, named by device and seq', () => {
  const tracker = new SequenceTracker();
  for (let seq = 0; seq < 5; seq++) tracker.record(0, seq);
  const check = excuseAborted(tracker, [{ firstDevice: 0, deviceCount: 1 }], [[1, 3]]);
  assert.equal(check, { abortedRecords: 2, abortedRead: 2, abortedReadExamples: [{ deviceId: 0, seq: 1 }] });
  const summary = tracker.summarize({ devices: [0], recordsPerDevice: () => 5 });
  assert.is(summary.uniqueRecords, 5, 'read records count as read, aborted or not');
  assert.is(summary.lost, 0);
  assert.is(summary.duplicates, 0, 'an aborted read is not a duplicate');
});

test('excuseAborted: a device whose every record was aborted is not counted as a device seen', () => {
  const tracker = new SequenceTracker();
  tracker.record(1, 0);
  const check = excuseAborted(tracker, [{ firstDevice: 0, deviceCount: 2 }], [[0, 1]]);
  assert.is(check.abortedRead, 0);
  assert.equal(tracker.summarize({ devices: [0, 1], recordsPerDevice: () => 1 }), { devices: 1, uniqueRecords: 1, duplicates: 0, outOfOrder: 0, lost: 0, devicesWithGaps: 0, examples: [] });
});

test.run();
