/** A run's devices and the records each of them sent: what integrity checks compare the topic against. */
export interface DeviceCounts {
  devices: Iterable<number>;
  recordsPerDevice: (deviceId: number) => number;
}

/**
 * Walks a run's plan (shards in device order, each a contiguous id range): every device id, and the
 * records a device sent as its shard's rule says (`recordsOf(shard index, device offset in it)`).
 * Round-robin runs and device-model runs differ only in that rule.
 */
export function deviceCounts(
  plan: readonly { firstDevice: number; deviceCount: number }[],
  recordsOf: (shardIndex: number, offset: number) => number,
): DeviceCounts {
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
      return recordsOf(index, deviceId - plan[index]!.firstDevice);
    },
  };
}
