import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LevelResult } from '../../../src/contracts/levels.js';
import { encodeHdr, newHdrHistogram, summarize } from '../../../src/histogram/merge.js';
import { parseThresholdList } from '../../../src/options/thresholds.js';
import { judgeKnee, levelThresholds } from '../../../src/verdicts/knee.js';
import { judgeValidity } from '../../../src/verdicts/validity.js';

/** A level whose produce→ack latencies are all `latencyUs`, delivering `share` of its target. */
function level(targetRecordsPerSec: number, latencyUs: number, share = 1): LevelResult {
  const histogram = newHdrHistogram();
  histogram.recordValueWithCount(latencyUs, 1_000);
  const latency = { ...summarize(histogram), unit: 'us' as const, negative: { count: 0, meanUs: 0 }, hdr: encodeHdr(histogram) };
  const achieved = targetRecordsPerSec * share;
  return {
    index: 0,
    targetRecordsPerSec,
    achievedRecordsPerSec: achieved,
    acked: 1_000,
    startMs: 0,
    endMs: 1_000,
    validity: judgeValidity({ askedRecordsPerSec: targetRecordsPerSec, achievedRecordsPerSec: achieved, blockedMicros: 0, publishDelay: null, maxPublishDelayUs: 10_000 }),
    latency: { produceAck: latency, publishDelay: latency, endToEnd: null },
  };
}

const judged = (levels: LevelResult[], thresholds: string[]): LevelResult[] => {
  const parsed = parseThresholdList('--threshold', thresholds);
  for (const one of levels) one.thresholds = levelThresholds(one, parsed);
  return levels;
};

test('the knee: the highest level under p99<50ms and the first above it, with the observed p99', () => {
  const knee = judgeKnee(judged([level(1_000, 5_000), level(2_000, 20_000), level(3_000, 80_000), level(4_000, 10_000)], ['p99<50ms']));
  assert.is(knee.highestPassedRecordsPerSec, 2_000);
  assert.is(knee.firstFailedRecordsPerSec, 3_000);
  assert.match(knee.reason!, /^at 3,000 rec\/s: broke p99<50ms \(observed 80\.\d+ ms\)$/);
});

test('a level short of its rate fails the knee though its latency is fine; e2e thresholds without e2e are no data', () => {
  const knee = judgeKnee(judged([level(1_000, 5_000), level(2_000, 5_000, 0.9)], ['p99<50ms']));
  assert.equal([knee.highestPassedRecordsPerSec, knee.firstFailedRecordsPerSec], [1_000, 2_000]);
  assert.match(knee.reason!, /not valid: delivered 1,800 rec\/s of 2,000 asked/);
  const noData = judgeKnee(judged([level(1_000, 5_000)], ['e2e.p99<50ms']));
  assert.is(noData.highestPassedRecordsPerSec, null);
  assert.match(noData.reason!, /observed no data/);
});

test('every level passing: no knee reached; run-only metrics (lost) are not judged per level', () => {
  const levels = judged([level(1_000, 5_000), level(2_000, 6_000)], ['p99<50ms', 'lost==0']);
  assert.is(levels[0]!.thresholds!.length, 1);
  assert.equal(judgeKnee(levels), { highestPassedRecordsPerSec: 2_000, firstFailedRecordsPerSec: null, reason: null });
});

test.run();
