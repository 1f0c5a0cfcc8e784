import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StampedeError } from '../../../src/errors.js';
import { flattenFleet, planFleet, planInstance } from '../../../src/plan/fleet.js';

const sum = (values: (number | undefined)[]): number => values.reduce<number>((total, value) => total + (value ?? 0), 0);

test('hosts, then workers: floor each, the remainder to the last, at both levels', () => {
  const hosts = planFleet({ names: ['a', 'b', 'c'], devices: 100_000, workersPerHost: 4, records: 1_000_003, rateRecordsPerSec: 600_001, partName: 'hosts' });
  assert.equal(hosts.map((host) => host.slice.deviceCount), [33_333, 33_333, 33_334]);
  assert.equal(hosts[2]!.workers.map((shard) => shard.deviceCount), [8_333, 8_333, 8_333, 8_335]);
  assert.is(hosts[1]!.workers[0]!.firstDevice, 33_333, 'device ids stay global');
  const flat = flattenFleet(hosts);
  assert.equal(flat.map((shard) => shard.index), Array.from({ length: 12 }, (_, i) => i));
  assert.is(sum(flat.map((shard) => shard.deviceCount)), 100_000);
  assert.is(sum(flat.map((shard) => shard.records)), 1_000_003, 'records sum exactly');
  assert.is(sum(flat.map((shard) => shard.rateRecordsPerSec)), 600_001, 'rates sum exactly');
  let next = 0;
  for (const shard of flat) {
    assert.is(shard.firstDevice, next, 'contiguous');
    next += shard.deviceCount;
  }
});

test('each host\'s workers split that host\'s records and rate exactly', () => {
  for (const host of planFleet({ names: ['a', 'b'], devices: 7, workersPerHost: 2, records: 101, partName: 'hosts' })) {
    assert.is(sum(host.workers.map((shard) => shard.records)), host.slice.records);
  }
});

test('an instance computes its own slice, the same as the fleet plan gives it', () => {
  const fleet = planFleet({ names: ['instance-0', 'instance-1', 'instance-2'], devices: 1_000, workersPerHost: 2, records: 30_000, partName: 'instances' });
  for (let id = 0; id < 3; id++) assert.equal(planInstance({ id, count: 3, devices: 1_000, workersPerHost: 2, records: 30_000 }), fleet[id]);
});

test('too many hosts for the devices, or an id past the count, is bad input naming the option', () => {
  assert.throws(() => planFleet({ names: ['a', 'b', 'c'], devices: 2, workersPerHost: 1, partName: 'hosts' }), (err: StampedeError) => /3 hosts for 2 devices/.test(err.message) && err.exitCode === 2);
  assert.throws(() => planInstance({ id: 3, count: 3, devices: 10, workersPerHost: 1 }), /--instance-id 3 is not below --instances 3/);
});

test.run();
