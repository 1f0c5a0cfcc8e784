import { diffSnapshots, encodeHdr, negativeValues, summarize, toHdrHistogram } from '../histogram/merge.js';
import type { LevelLatency, LevelResult } from '../contracts/levels.js';
import type { LoadSchedule } from '../options/schedule.js';
import { warmupRecordsPerSec } from '../options/schedule.js';
import { RateProfile } from '../records/rate-profile.js';
import type { RegionSnapshot } from '../shared/region.js';
import { judgeValidity } from '../verdicts/validity.js';
import { round1 } from './interval-sampler.js';
import type { LevelMark } from './level-marks.js';

/** The whole run's asked rate from go: warmup at the first level, then the schedule. */
export const runProfile = (schedule: LoadSchedule, warmupMs: number): RateProfile => new RateProfile(schedule.segments).after(warmupMs, warmupRecordsPerSec(schedule));

/** The asked rate over an interval (ms from go): the schedule's integral over it ÷ its length. */
export function targetOfInterval(schedule: LoadSchedule, warmupMs: number): (fromMs: number, toMs: number) => number {
  const profile = runProfile(schedule, warmupMs);
  return (fromMs, toMs) => (toMs - fromMs <= 0 ? round1(profile.rateAt(toMs)) : round1(((profile.countAt(toMs) - profile.countAt(fromMs)) * 1000) / (toMs - fromMs)));
}

/** The schedule's mean asked rate over the measured window (what a whole scheduled run is judged against). */
export const scheduleMeanRecordsPerSec = (schedule: LoadSchedule): number => {
  const profile = new RateProfile(schedule.segments);
  const totalMs = schedule.segments.reduce((sum, s) => sum + s.durationMs, 0);
  return (profile.totalRecords * 1000) / totalMs;
};

const latencyOf = (delta: RegionSnapshot): LevelLatency => {
  const histogram = toHdrHistogram(delta.counts);
  return { ...summarize(histogram), unit: 'us', negative: negativeValues(delta.counters), hdr: encodeHdr(histogram) };
};

/**
 * Each level of the schedule (every segment whose target holds still, above 0) from the marks at
 * its two boundaries: segment k runs from marks[k] to marks[k + 1]; a run that ended early has
 * fewer marks, and its last level ends with the run.
 */
export function levelResults(schedule: LoadSchedule, marks: readonly LevelMark[], maxPublishDelayUs: number): LevelResult[] {
  const levels: LevelResult[] = [];
  for (let k = 0; k + 1 < marks.length && k < schedule.segments.length; k++) {
    const segment = schedule.segments[k]!;
    if (segment.fromRecordsPerSec !== segment.toRecordsPerSec || segment.toRecordsPerSec === 0) continue;
    const [start, end] = [marks[k]!, marks[k + 1]!];
    const produced = diffSnapshots(end.produced, start.produced);
    const spanMs = Math.max(1, end.atMs - start.atMs);
    const achieved = round1(produced.counters.acked / (spanMs / 1000));
    const publishDelay = latencyOf(diffSnapshots(end.publishDelays, start.publishDelays));
    levels.push({
      index: k,
      targetRecordsPerSec: segment.toRecordsPerSec,
      achievedRecordsPerSec: achieved,
      acked: produced.counters.acked,
      startMs: Math.round(start.atMs),
      endMs: Math.round(end.atMs),
      validity: judgeValidity({ askedRecordsPerSec: segment.toRecordsPerSec, achievedRecordsPerSec: achieved, blockedMicros: produced.counters.blockedMicros, publishDelay, maxPublishDelayUs }),
      latency: {
        produceAck: latencyOf(produced),
        publishDelay,
        endToEnd: start.consumed && end.consumed ? latencyOf(diffSnapshots(end.consumed, start.consumed)) : null,
      },
    });
  }
  return levels;
}
