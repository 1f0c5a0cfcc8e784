import { DeviceSchedule } from './schedule.js';
import type { ModelSpec } from './spec.js';

/**
 * How many records each device of a model's run sent, from each shard's total: the shard's device
 * schedule says it exactly (inactive devices sent none, so none of theirs is missing).
 */
export function modelExpectedRecords(
  model: Pick<ModelSpec, 'active' | 'weights'>,
  seed: number,
  plan: readonly { firstDevice: number; deviceCount: number }[],
  sentPerShard: readonly number[],
): { devices: Iterable<number>; recordsPerDevice: (deviceId: number) => number } {
  const schedules = plan.map((shard) => new DeviceSchedule(model, seed, shard.firstDevice, shard.deviceCount));
  const shardOf = (deviceId: number): number => {
    for (let i = plan.length - 1; i >= 0; i--) if (deviceId >= plan[i]!.firstDevice) return i;
    return 0;
  };
  return {
    devices: (function* () {
      for (const shard of plan) for (let d = 0; d < shard.deviceCount; d++) yield shard.firstDevice + d;
    })(),
    recordsPerDevice: (deviceId: number) => {
      const index = shardOf(deviceId);
      return schedules[index]!.recordsOf(deviceId - plan[index]!.firstDevice, sentPerShard[index] ?? 0);
    },
  };
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
