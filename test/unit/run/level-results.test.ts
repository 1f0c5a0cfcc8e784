import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { zeroSnapshot } from '../../../src/histogram/merge.js';
import { parseStages, parseSteps } from '../../../src/options/schedule.js';
import type { LevelMark } from '../../../src/run/level-marks.js';
import { levelResults, targetOfInterval } from '../../../src/run/level-results.js';
import { countsIndexOf } from '../../../src/shared/buckets.js';
import type { RegionSnapshot } from '../../../src/shared/region.js';

/** A cumulative snapshot: `acked` records so far, each with a latency of `latencyUs`, added to `before`. */
function after(before: RegionSnapshot, acked: number, latencyUs: number): RegionSnapshot {
  const next = { counts: Float64Array.from(before.counts), counters: { ...before.counters } };
  next.counts[countsIndexOf(latencyUs)]! += acked;
  next.counters.acked += acked;
  return next;
}

const mark = (atMs: number, produced: RegionSnapshot): LevelMark => ({ atMs, produced, publishDelays: zeroSnapshot(), consumed: undefined });

test('each level is the difference of its two marks: its own records and latency, the levels summing to the total', () => {
  const schedule = parseSteps('--steps', '1k..3k/1k@2s');
  const m0 = zeroSnapshot();
  const m1 = after(m0, 2_000, 1_000);
  const m2 = after(m1, 4_000, 5_000);
  const m3 = after(m2, 5_400, 90_000);
  const levels = levelResults(schedule, [mark(1_000, m0), mark(3_000, m1), mark(5_000, m2), mark(7_000, m3)], 10_000);
  assert.equal(levels.map((level) => level.acked), [2_000, 4_000, 5_400]);
  assert.is(levels.reduce((sum, level) => sum + level.acked, 0), m3.counters.acked);
  assert.equal(levels.map((level) => level.achievedRecordsPerSec), [1_000, 2_000, 2_700]);
  assert.ok(levels[0]!.latency.produceAck.p99 < 1_100 && levels[2]!.latency.produceAck.p50 > 85_000, 'each level\'s percentiles are its own');
  assert.equal(levels.map((level) => level.validity.valid), [true, true, false]);
  assert.equal([levels[1]!.startMs, levels[1]!.endMs], [3_000, 5_000]);
});

test('a run ended early: the last level ends with it; ramps are in no level', () => {
  const stepped = levelResults(parseSteps('--steps', '1k..3k/1k@2s'), [mark(0, zeroSnapshot()), mark(2_000, after(zeroSnapshot(), 2_000, 1_000)), mark(2_500, after(zeroSnapshot(), 2_500, 1_000))], 10_000);
  assert.equal(stepped.map((level) => [level.targetRecordsPerSec, level.acked, level.endMs]), [[1_000, 2_000, 2_000], [2_000, 500, 2_500]]);
  const stages = parseStages('--stages', '1s:1k,1s:1k,1s:0');
  const ramped = levelResults(stages, [0, 1_000, 2_000, 3_000].map((atMs) => mark(atMs, after(zeroSnapshot(), atMs, 1_000))), 10_000);
  assert.equal(ramped.map((level) => level.index), [1], 'only the stage whose target holds still');
});

test('an interval\'s target: the schedule\'s integral over it, warmup at the first level', () => {
  const target = targetOfInterval(parseStages('--stages', '2s:2k,1s:2k'), 1_000);
  assert.is(target(0, 1_000), 2_000, 'warmup at the first stage\'s target');
  assert.is(target(1_000, 2_000), 500, 'first half of a ramp from 0 to 2k');
  assert.is(target(3_000, 4_000), 2_000);
});

test.run();
