import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeSnapshot, encodeSnapshot, parseLine, toLine } from '../../../src/fleet/protocol.js';
import { mergeSnapshots, zeroSnapshot } from '../../../src/histogram/merge.js';
import { countsIndexOf } from '../../../src/shared/buckets.js';

function snapshotOf(values: number[]): ReturnType<typeof zeroSnapshot> {
  const snapshot = zeroSnapshot();
  for (const value of values) snapshot.counts[countsIndexOf(value)]! += 1;
  snapshot.counters.acked = values.length;
  snapshot.counters.sent = values.length + 3;
  return snapshot;
}

test('a snapshot survives the wire exactly: counters as they are, every bucket count', () => {
  const values = Array.from({ length: 5_000 }, (_, i) => (i * 7919) % 3_000_000);
  const original = snapshotOf(values);
  const back = decodeSnapshot(JSON.parse(JSON.stringify(encodeSnapshot(original))));
  assert.equal(back.counters, original.counters);
  assert.equal(Array.from(back.counts), Array.from(original.counts));
});

test('merging decoded host snapshots equals merging the originals (histograms added, never percentiles)', () => {
  const a = snapshotOf([1, 5, 900, 12_345, 2_000_000]);
  const b = snapshotOf([3, 5, 70_000]);
  const viaWire = mergeSnapshots([a, b].map((s) => decodeSnapshot(encodeSnapshot(s))));
  assert.equal(Array.from(viaWire.counts), Array.from(mergeSnapshots([a, b]).counts));
  assert.is(viaWire.counters.acked, 8);
});

test('lines: one JSON object each; anything else on the channel is ignored', () => {
  assert.equal(parseLine(toLine({ type: 'go' })), { type: 'go' });
  assert.is(parseLine('npm warn something'), null);
  assert.is(parseLine('{"no":"type"}'), null);
  assert.is(parseLine('{broken'), null);
});

test.run();
