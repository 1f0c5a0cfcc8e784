import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nextRate, roundedRate, searchMaxRate, type SearchSettings } from '../../../src/experiments/max-search.js';

/** A system that sustains every rate up to `limit` and none above: the step function the search sees. */
function system(limit: number): { asked: number[]; step(asked: number): Promise<{ pass: boolean }> } {
  const asked: number[] = [];
  return {
    asked,
    step: async (rate) => {
      asked.push(rate);
      return { pass: rate <= limit };
    },
  };
}

const settings: SearchSettings = { floorRecordsPerSec: 1_000, maxRecordsPerSec: 500_000, precision: 0.05, maxSteps: 20 };

test('bisects to within the precision of the true limit, answering a rate a step passed at', async () => {
  const fake = system(412_345);
  const outcome = await searchMaxRate(settings, fake.step);
  assert.is(outcome.stoppedBecause, 'precision');
  const answer = outcome.answerRecordsPerSec!;
  assert.ok(answer <= 412_345, `answer ${answer} is a rate that holds`);
  assert.ok(answer >= 412_345 * 0.95, `answer ${answer} within 5 % of 412,345`);
  assert.ok(outcome.steps.some((step) => step.askedRecordsPerSec === answer && step.verdict.pass), 'the answer is a rate a step passed at');
  assert.ok(outcome.bracketShare! <= 0.05);
  assert.is(fake.asked[0], 1_000, 'the floor is checked first');
  // Each bisection halves the bracket in log space: from [1,000, 500,000] to 5 % takes a handful of steps, not dozens.
  assert.ok(outcome.steps.length <= 8, `${outcome.steps.length} steps`);
});

test('the steps are bounded whatever the answer: the floor plus ⌈log2(ln(max/floor) ÷ ln(1/(1−precision)))⌉', async () => {
  const bound = 1 + Math.ceil(Math.log2(Math.log(500_000 / 1_000) / Math.log(1 / 0.95)));
  for (const limit of [1_500, 5_490, 40_000, 100_000, 300_000, 412_345, 499_000]) {
    const outcome = await searchMaxRate(settings, system(limit).step);
    assert.is(outcome.stoppedBecause, 'precision', `limit ${limit}`);
    assert.ok(outcome.steps.length <= bound, `limit ${limit}: ${outcome.steps.length} steps > ${bound}`);
    assert.ok(outcome.answerRecordsPerSec! <= limit && outcome.answerRecordsPerSec! >= 0.95 * Math.min(limit, 500_000), `limit ${limit}: answer ${outcome.answerRecordsPerSec}`);
  }
});

test('never asks above the measured max, even when everything passes', async () => {
  const fake = system(Number.MAX_SAFE_INTEGER);
  const outcome = await searchMaxRate(settings, fake.step);
  assert.ok(fake.asked.every((rate) => rate < 500_000), `asked ${fake.asked.join(', ')}`);
  assert.is(outcome.failedAtRecordsPerSec, null);
  assert.ok(outcome.answerRecordsPerSec! >= 475_000, `close to the max: ${outcome.answerRecordsPerSec}`);
  assert.is(outcome.stoppedBecause, 'precision');
});

test('a floor that fails ends the search with no answer: no rate below it is tried, none reported', async () => {
  const fake = system(500);
  const outcome = await searchMaxRate(settings, fake.step);
  assert.equal(fake.asked, [1_000]);
  assert.is(outcome.answerRecordsPerSec, null);
  assert.is(outcome.failedAtRecordsPerSec, 1_000);
  assert.is(outcome.stoppedBecause, 'floor-failed');
});

test('a floor above the measured max asks nothing', async () => {
  const fake = system(1_000_000);
  const outcome = await searchMaxRate({ ...settings, floorRecordsPerSec: 600_000 }, fake.step);
  assert.equal(fake.asked, []);
  assert.is(outcome.answerRecordsPerSec, null);
  assert.is(outcome.stoppedBecause, 'floor-above-max');
});

test('stops at --max-steps with the best rate passed so far, the floor counted as a step', async () => {
  const fake = system(50_000);
  const outcome = await searchMaxRate({ ...settings, maxSteps: 3 }, fake.step);
  assert.is(fake.asked.length, 3);
  assert.is(outcome.stoppedBecause, 'max-steps');
  assert.equal(fake.asked, [1_000, 22_400, 106_000], 'geometric middles: √(1,000 × 500,000), then √(22,400 × 500,000)');
  assert.is(outcome.answerRecordsPerSec, 22_400);
  assert.is(outcome.failedAtRecordsPerSec, 106_000);
});

test('a coarser precision stops sooner', async () => {
  const fine = await searchMaxRate(settings, system(200_000).step);
  const coarse = await searchMaxRate({ ...settings, precision: 0.3 }, system(200_000).step);
  assert.ok(coarse.steps.length < fine.steps.length, `${coarse.steps.length} vs ${fine.steps.length}`);
  assert.ok(coarse.bracketShare! <= 0.3);
});

test('a noisy system: the answer is the highest passed rate, never a failed one', async () => {
  // Fails at 230,000 by bad luck, though 300,000 would have held.
  const asked: number[] = [];
  const outcome = await searchMaxRate(settings, async (rate) => {
    asked.push(rate);
    return { pass: rate <= 300_000 && rate !== 230_000 };
  });
  assert.is(outcome.steps.find((step) => step.askedRecordsPerSec === 230_000)?.verdict.pass, false);
  assert.ok(outcome.answerRecordsPerSec! < 230_000, 'nothing above a failed rate is asked again');
  assert.ok(outcome.steps.some((step) => step.askedRecordsPerSec === outcome.answerRecordsPerSec && step.verdict.pass));
});

test('a tiny bracket: whole rates only, never 0, and it stops when no whole rate is left', async () => {
  const fake = system(2);
  const outcome = await searchMaxRate({ floorRecordsPerSec: 1, maxRecordsPerSec: 3, precision: 0.01, maxSteps: 20 }, fake.step);
  assert.ok(fake.asked.every((rate) => Number.isInteger(rate) && rate >= 1 && rate < 3), `asked ${fake.asked.join(', ')}`);
  assert.is(outcome.answerRecordsPerSec, 2);
  assert.is(outcome.stoppedBecause, 'exhausted');
});

test('a step function that returns null (Ctrl-C) stops with what passed so far', async () => {
  let calls = 0;
  const outcome = await searchMaxRate(settings, async (rate) => (++calls > 2 ? null : { pass: rate < 400_000 }));
  assert.is(outcome.stoppedBecause, 'interrupted');
  assert.is(outcome.answerRecordsPerSec, 22_400);
  assert.is(outcome.steps.length, 2);
});

test('rates are rounded to three significant digits when that stays inside the bracket', () => {
  assert.is(roundedRate(256_172), 256_000);
  assert.is(roundedRate(999), 999);
  assert.is(roundedRate(1_234_567), 1_230_000);
  assert.is(nextRate(1_000, 500_000), 22_400);
  assert.is(nextRate(250_000, 251_000), 250_500);
  assert.is(nextRate(10, 12), 11);
  assert.is(nextRate(10, 11), null);
});

test.run();
