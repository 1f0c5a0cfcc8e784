import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StampedeError } from '../../../src/errors.js';
import { planShards } from '../../../src/plan/shard.js';

const sum = (values: (number | undefined)[]): number => values.reduce<number>((total, value) => total + (value ?? 0), 0);

test('remainder rule: floor(devices / workers) each, the rest to the last', () => {
  const shards = planShards({ firstDevice: 0, devices: 10, parts: 3 });
  assert.equal(shards.map((s) => s.deviceCount), [3, 3, 4]);
  assert.equal(shards.map((s) => s.firstDevice), [0, 3, 6]);
});

test('ranges are contiguous and cover every device exactly once', () => {
  const shards = planShards({ firstDevice: 0, devices: 1_000, parts: 7 });
  let next = 0;
  for (const shard of shards) {
    assert.is(shard.firstDevice, next);
    next += shard.deviceCount;
  }
  assert.is(next, 1_000);
});

test('100,003 devices over 7 workers', () => {
  const shards = planShards({ firstDevice: 0, devices: 100_003, parts: 7, records: 1_000_000, rateRecordsPerSec: 700_001 });
  assert.equal(shards.map((s) => s.deviceCount), [14_286, 14_286, 14_286, 14_286, 14_286, 14_286, 14_287]);
  assert.is(shards[6]!.firstDevice, 85_716);
  assert.is(sum(shards.map((s) => s.records)), 1_000_000);
  assert.is(sum(shards.map((s) => s.rateRecordsPerSec)), 700_001);
});

test('records and rate split in proportion to devices and sum exactly', () => {
  for (const [devices, parts, records, rate] of [
    [10, 3, 1_000, 999],
    [100_000, 8, 2_000_000, 2_000_000],
    [97, 13, 1_000_003, 13_000],
    [5, 5, 5, 5],
  ] as const) {
    const shards = planShards({ firstDevice: 0, devices, parts, records, rateRecordsPerSec: rate });
    assert.is(sum(shards.map((s) => s.records)), records, `records for ${devices}/${parts}`);
    assert.is(sum(shards.map((s) => s.rateRecordsPerSec)), rate, `rate for ${devices}/${parts}`);
    for (const shard of shards.slice(0, -1)) {
      assert.is(shard.records, Math.floor((records * shard.deviceCount) / devices));
    }
  }
});

test('exact totals beyond 2^53 / devices do not lose precision', () => {
  const records = 9_007_199_254_740_000;
  const shards = planShards({ firstDevice: 0, devices: 100_000_000, parts: 3, records });
  assert.is(sum(shards.map((s) => s.records)), records);
});

test('one worker takes everything', () => {
  const [only, ...rest] = planShards({ firstDevice: 0, devices: 42, parts: 1, records: 500, rateRecordsPerSec: 10 });
  assert.equal(rest, []);
  assert.equal(only, { index: 0, firstDevice: 0, deviceCount: 42, records: 500, rateRecordsPerSec: 10 });
});

test('timed max-rate runs leave records and rate undefined', () => {
  const shards = planShards({ firstDevice: 0, devices: 4, parts: 2 });
  assert.equal(shards.map((s) => [s.records, s.rateRecordsPerSec]), [[undefined, undefined], [undefined, undefined]]);
});

test('more workers than devices is rejected with a clear error', () => {
  try {
    planShards({ firstDevice: 0, devices: 3, parts: 4 });
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.instance(err, StampedeError);
    assert.is((err as StampedeError).code, 'E_PLAN');
    assert.match((err as Error).message, '4 workers for 3 devices');
  }
});

test('a rate that leaves a worker below 1 record/s is rejected', () => {
  assert.throws(() => planShards({ firstDevice: 0, devices: 10, parts: 3, rateRecordsPerSec: 3 }), /less than 1 record\/s/);
  assert.throws(() => planShards({ firstDevice: 0, devices: 10, parts: 3, rateRecordsPerSec: 2 }), /less than 1 record\/s/);
});

test('fewer records than workers is rejected', () => {
  assert.throws(() => planShards({ firstDevice: 0, devices: 10, parts: 3, records: 2 }), /fewer than one record/);
});

test('a second level splits a host range the same way (hosts × workers)', () => {
  const hosts = planShards({ firstDevice: 0, devices: 100_003, parts: 2, records: 1_001, partName: 'hosts' });
  const second = hosts[1]!;
  const workers = planShards({ firstDevice: second.firstDevice, devices: second.deviceCount, parts: 3, records: second.records });
  assert.is(workers[0]!.firstDevice, second.firstDevice);
  assert.is(workers[2]!.firstDevice + workers[2]!.deviceCount, 100_003);
  assert.is(sum(workers.map((w) => w.records)), second.records);
});

test.run();
