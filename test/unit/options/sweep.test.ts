import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAxes, parseVary, pointLabel, sweepPoints } from '../../../src/options/sweep.js';
import { planSweep } from '../../../src/experiments/sweep.js';

test('the cross product runs the last --vary fastest', () => {
  const points = sweepPoints(parseAxes(['partitions=2,4', 'workers=1,2,4']), false);
  assert.equal(points.map(pointLabel), ['partitions=2 workers=1', 'partitions=2 workers=2', 'partitions=2 workers=4', 'partitions=4 workers=1', 'partitions=4 workers=2', 'partitions=4 workers=4']);
});

test('--zip pairs the lists value by value', () => {
  assert.equal(sweepPoints(parseAxes(['partitions=2,4', 'workers=1,2']), true), [{ partitions: '2', workers: '1' }, { partitions: '4', workers: '2' }]);
});

test('values holding commas are separated by |', () => {
  assert.equal(parseVary('steps=1k..3k/1k@2s|2k..6k/2k@2s').values, ['1k..3k/1k@2s', '2k..6k/2k@2s']);
  assert.equal(parseVary('--workers=1, 2').values, ['1', '2']);
});

test('each point: its values over the flags, its own topic, the same seed; a varied producer property adds to the given ones', () => {
  const plan = planSweep({}, { topic: 't', seed: '5', 'producer-props': ['acks=1'] } as never, undefined, sweepPoints(parseAxes(['partitions=1,3', 'producer-props=linger.ms=5']), false), 'sweep-abc');
  assert.equal(plan.map((point) => [point.workload.topic, point.workload.partitions, point.workload.seed]), [['t-sweep-abc-1', 1, 5], ['t-sweep-abc-2', 3, 5]]);
  assert.equal(plan[0]!.workload.producerProps, { acks: '1', 'linger.ms': '5' });
  assert.is(plan[0]!.workload.out, undefined);
});

test.run();
