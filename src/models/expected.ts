import { DeviceSchedule } from './schedule.js';
import type { ModelSpec } from './spec.js';
import { deviceCounts, type DeviceCounts } from '../records/device-counts.js';

/**
 * How many records each device of a model's run sent, from each shard's total: the shard's device
 * schedule says it exactly (inactive devices sent none, so none of theirs is missing).
 */
export function modelExpectedRecords(
  model: Pick<ModelSpec, 'active' | 'weights'>,
  seed: number,
  plan: readonly { firstDevice: number; deviceCount: number }[],
  sentPerShard: readonly number[],
): DeviceCounts {
  const schedules = plan.map((shard) => new DeviceSchedule(model, seed, shard.firstDevice, shard.deviceCount));
  return deviceCounts(plan, (index, offset) => schedules[index]!.recordsOf(offset, sentPerShard[index] ?? 0));
}

/** Each shard's order of devices (DeviceSchedule), for the aborted-transaction check: which records of an aborted range were whose. */
export function modelShardOrders(
  model: Pick<ModelSpec, 'active' | 'weights'>,
  seed: number,
  plan: readonly { firstDevice: number; deviceCount: number }[],
): { deviceAt(k: number): number; sentBefore(offset: number, k: number): number }[] {
  return plan.map((shard) => {
    const schedule = new DeviceSchedule(model, seed, shard.firstDevice, shard.deviceCount);
    return { deviceAt: (k) => schedule.offsetAt(k), sentBefore: (offset, k) => schedule.recordsOf(offset, k) };
  });
}
