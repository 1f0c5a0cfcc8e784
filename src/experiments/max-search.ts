/**
 * The search of `stampede max`, as a pure function over a step function: bisect the asked rate (in
 * log space, see nextRate) between a floor and the measured max throughput, one open-loop
 * fixed-rate step at a time.
 *
 * It is built against OpenMessaging Benchmark's known faults: its search can land at 1 msg/s
 * (openmessaging/benchmark#163), stick at 0 (#84) or ask more than the producers can do (#329).
 * Here the floor is checked first and a failing floor ends the search with no answer; no step asks
 * above the measured max; every asked rate is a whole number strictly inside the bracket; and the
 * answer is always a rate some step passed at, never one derived from a failure.
 */

export interface SearchSettings {
  /** the lowest rate worth asking; checked first */
  floorRecordsPerSec: number;
  /** the measured max throughput (an as-fast-as-possible run): no step asks above it */
  maxRecordsPerSec: number;
  /** stop once (failed − passed) ÷ failed is at most this (0.05 = 5 %) */
  precision: number;
  /** fixed-rate steps in all, the floor's included */
  maxSteps: number;
}

/** What a step function tells the search; the step's own details ride along for the report. */
export interface StepVerdict {
  pass: boolean;
}

export type StopReason =
  /** the bracket is within --precision */
  | 'precision'
  /** --max-steps were run */
  | 'max-steps'
  /** no whole rate is left between the passed and the failed rate */
  | 'exhausted'
  /** even the floor did not pass: no answer */
  | 'floor-failed'
  /** the floor is above the measured max: nothing to ask, no answer */
  | 'floor-above-max'
  /** the step function asked to stop (Ctrl-C) */
  | 'interrupted'
  /** max --method steps: a fixed-rate run at the stepped run's knee met the SLO */
  | 'knee-confirmed';

export interface SearchStep<V extends StepVerdict> {
  /** 1-based */
  index: number;
  askedRecordsPerSec: number;
  verdict: V;
}

export interface SearchOutcome<V extends StepVerdict> {
  /** the highest rate a step passed at; null when none passed */
  answerRecordsPerSec: number | null;
  /** the lowest rate a step failed at; null when none failed (the bracket's top is then the measured max, never asked) */
  failedAtRecordsPerSec: number | null;
  /** (top − answer) ÷ top of the final bracket, top being the failed rate or the measured max; null without an answer */
  bracketShare: number | null;
  stoppedBecause: StopReason;
  steps: SearchStep<V>[];
}

/** Asked rates are rounded to three significant digits (256,000, not 256,172) when that keeps them inside the bracket. */
export function roundedRate(value: number): number {
  if (value < 1000) return Math.round(value);
  const unit = 10 ** (Math.floor(Math.log10(value)) - 2);
  return Math.round(value / unit) * unit;
}

/**
 * The next rate to ask strictly between `passed` and `top`, or null when no whole rate is left: the
 * geometric middle. The stop rule is relative (the bracket as a share of its top), so halving the
 * bracket in log space bounds the steps whatever the answer: ⌈log2(ln(max/floor) ÷ ln(1/(1−precision)))⌉
 * after the floor — 7 for a floor at 1 % of the max and 5 % precision. (The arithmetic middle needs
 * fewer when the answer is near the max, but many more when it is far below: measured, an answer
 * at 2 % of the max was still 8 % wide after 10 steps.)
 */
export function nextRate(passed: number, top: number): number | null {
  const middle = Math.sqrt(passed * top);
  for (const candidate of [roundedRate(middle), Math.round(middle), Math.floor(middle), Math.ceil(middle)]) {
    if (candidate > passed && candidate < top) return candidate;
  }
  return null;
}

/** The bracket's width as a share of its top. */
export const bracketShareOf = (passed: number, top: number): number => (top - passed) / top;

/**
 * Runs the search. `step(asked)` runs one fixed-rate step and judges it; returning null means stop
 * now (interrupted). `onStep` sees each step as it finishes.
 */
export async function searchMaxRate<V extends StepVerdict>(
  settings: SearchSettings,
  step: (askedRecordsPerSec: number, index: number) => Promise<V | null>,
  onStep?: (done: SearchStep<V>) => void,
): Promise<SearchOutcome<V>> {
  const { floorRecordsPerSec: floor, maxRecordsPerSec: max, precision, maxSteps } = settings;
  if (!(floor >= 1) || !Number.isSafeInteger(floor)) throw new RangeError(`floor must be a positive whole rate (got ${floor})`);
  if (!(maxSteps >= 1)) throw new RangeError(`maxSteps must be at least 1 (got ${maxSteps})`);
  if (!(precision > 0 && precision < 1)) throw new RangeError(`precision must be within (0, 1) (got ${precision})`);
  const steps: SearchStep<V>[] = [];
  const outcome = (stoppedBecause: StopReason, passed: number | null, failed: number | null): SearchOutcome<V> => ({
    answerRecordsPerSec: passed,
    failedAtRecordsPerSec: failed,
    bracketShare: passed === null ? null : bracketShareOf(passed, failed ?? max),
    stoppedBecause,
    steps,
  });
  if (floor > max) return outcome('floor-above-max', null, null);

  const run = async (asked: number): Promise<V | null> => {
    const verdict = await step(asked, steps.length + 1);
    if (verdict === null) return null;
    const done = { index: steps.length + 1, askedRecordsPerSec: asked, verdict };
    steps.push(done);
    onStep?.(done);
    return verdict;
  };

  const floorVerdict = await run(floor);
  if (floorVerdict === null) return outcome('interrupted', null, null);
  if (!floorVerdict.pass) return outcome('floor-failed', null, floor);

  let passed = floor;
  // The measured max bounds the bracket but is never asked: an open-loop step at a closed-loop
  // maximum has no headroom, and asking above it is OMB's #329.
  let failed: number | null = null;
  for (;;) {
    const top = failed ?? max;
    if (bracketShareOf(passed, top) <= precision) return outcome('precision', passed, failed);
    if (steps.length >= maxSteps) return outcome('max-steps', passed, failed);
    const asked = nextRate(passed, top);
    if (asked === null) return outcome('exhausted', passed, failed);
    const verdict = await run(asked);
    if (verdict === null) return outcome('interrupted', passed, failed);
    if (verdict.pass) passed = asked;
    else failed = asked;
  }
}
