import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SequenceTracker } from '../../../src/verify/sequence-tracker.js';

const feed = (tracker: SequenceTracker, deviceId: number, seqs: number[]): void => seqs.forEach((seq) => tracker.record(deviceId, seq));

test('a complete, in-order stream is clean', () => {
  const tracker = new SequenceTracker();
  for (let seq = 0; seq < 100; seq++) for (let device = 0; device < 10; device++) tracker.record(device, seq);
  assert.equal(tracker.summarize(), { devices: 10, uniqueRecords: 1000, duplicates: 0, outOfOrder: 0, lost: 0, devicesWithGaps: 0, examples: [] });
});

test('a gap still open at the end is lost; a late arrival fills it and counts as out of order', () => {
  const tracker = new SequenceTracker();
  feed(tracker, 7, [0, 1, 2, 5, 6]);
  let summary = tracker.summarize();
  assert.is(summary.lost, 2);
  assert.equal(summary.examples, [{ deviceId: 7, missingSeq: 3 }]);
  feed(tracker, 7, [4, 3]);
  summary = tracker.summarize();
  assert.is(summary.lost, 0);
  assert.is(summary.outOfOrder, 2);
  assert.is(summary.uniqueRecords, 7);
});

test('duplicates are counted once each, wherever they fall', () => {
  const tracker = new SequenceTracker();
  feed(tracker, 1, [0, 1, 2, 2, 1, 3, 0]);
  const summary = tracker.summarize();
  assert.is(summary.duplicates, 3);
  assert.is(summary.uniqueRecords, 4);
  assert.is(summary.lost, 0);
});

test('a device that never sent seq 0 has lost its first records', () => {
  const tracker = new SequenceTracker();
  feed(tracker, 3, [2, 3]);
  assert.equal(tracker.summarize().examples, [{ deviceId: 3, missingSeq: 0 }]);
  assert.is(tracker.summarize().lost, 2);
});

test('with the plan known, tail losses and silent devices count as lost', () => {
  const tracker = new SequenceTracker();
  feed(tracker, 0, [0, 1, 2]);
  feed(tracker, 1, [0, 1, 2, 3, 4]);
  const summary = tracker.summarize({ devices: [0, 1, 2], recordsPerDevice: () => 5 });
  assert.is(summary.lost, 2 + 0 + 5);
  assert.is(summary.devicesWithGaps, 2);
});

test('trackers from several consumers merge by device, even when a partition moved between them', () => {
  const first = new SequenceTracker();
  const second = new SequenceTracker();
  feed(first, 9, [0, 1, 2, 3]);
  feed(second, 9, [3, 4, 5]); // 3 delivered again after a rebalance
  feed(second, 10, [0, 1]);
  const merged = SequenceTracker.import(first.export());
  merged.merge(SequenceTracker.import(second.export()));
  const summary = merged.summarize();
  assert.is(summary.devices, 2);
  assert.is(summary.uniqueRecords, 8);
  assert.is(summary.duplicates, 1);
  assert.is(summary.lost, 0);
});

test('random shuffles of a complete stream with injected duplicates are accounted exactly', () => {
  let state = 12345;
  const random = (): number => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const tracker = new SequenceTracker();
  const events: [number, number][] = [];
  for (let device = 0; device < 50; device++) for (let seq = 0; seq < 40; seq++) if (!(device === 7 && seq === 20)) events.push([device, seq]);
  for (let i = 0; i < 25; i++) events.push(events[Math.floor(random() * events.length)]!);
  for (let i = events.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [events[i], events[j]] = [events[j]!, events[i]!];
  }
  for (const [device, seq] of events) tracker.record(device, seq);
  const summary = tracker.summarize();
  assert.is(summary.duplicates, 25);
  assert.is(summary.uniqueRecords, 50 * 40 - 1);
  assert.is(summary.lost, 1);
  assert.equal(summary.examples, [{ deviceId: 7, missingSeq: 20 }]);
});

test.run();
