import { StampedeError } from '../errors.js';

/** The most devices a run may simulate (--devices' bound): ids are doubles in shared memory, and checks walk every one. */
export const kMaxDevices = 100_000_000;

/** One worker's share: a contiguous device-id range and its part of the rate and record total. */
export interface Shard {
  index: number;
  firstDevice: number;
  deviceCount: number;
  /** undefined when the run is timed rather than counted */
  records: number | undefined;
  /** undefined when the run is at max rate */
  rateRecordsPerSec: number | undefined;
}

export interface ShardRequest {
  /** First device id of the range being split; 0 at the top level, a host's first id one level down. */
  firstDevice: number;
  devices: number;
  parts: number;
  records?: number | undefined;
  rateRecordsPerSec?: number | undefined;
  /** Word for the parts in error messages: "workers", later "hosts". */
  partName?: string;
}

/**
 * Splits a device range into `parts` contiguous ranges: floor(devices / parts) each, the remainder
 * to the last (the Fluss benchmark producer's rule). Records and rate follow each part's share of
 * the devices, rounded down, with whatever rounding leaves going to the last part, so the parts sum
 * exactly to what was asked. Splitting a Shard again gives the hosts × workers level.
 */
export function planShards(request: ShardRequest): Shard[] {
  const { firstDevice, devices, parts, records, rateRecordsPerSec } = request;
  const partName = request.partName ?? 'workers';
  if (!Number.isSafeInteger(parts) || parts < 1) throw new StampedeError('E_PLAN', `${partName} must be a positive integer (got ${parts})`);
  if (parts > devices) {
    throw new StampedeError('E_PLAN', `${parts} ${partName} for ${devices} devices: each of the ${partName} needs at least one device; lower --${partName} or raise --devices`);
  }
  if (records !== undefined && records < parts) {
    throw new StampedeError('E_PLAN', `--records ${records} is fewer than one record for each of the ${parts} ${partName}`);
  }
  if (rateRecordsPerSec !== undefined && rateRecordsPerSec < parts) {
    throw new StampedeError('E_PLAN', `--rate ${rateRecordsPerSec} is less than 1 record/s for each of the ${parts} ${partName}`);
  }
  const perPart = Math.floor(devices / parts);
  const shards: Shard[] = [];
  let recordsGiven = 0;
  let rateGiven = 0;
  for (let index = 0; index < parts; index++) {
    const last = index === parts - 1;
    const deviceCount = last ? devices - perPart * (parts - 1) : perPart;
    const shardRecords = records === undefined ? undefined : last ? records - recordsGiven : proportion(records, deviceCount, devices);
    const shardRate = rateRecordsPerSec === undefined ? undefined : last ? rateRecordsPerSec - rateGiven : proportion(rateRecordsPerSec, deviceCount, devices);
    if (shardRate === 0) {
      throw new StampedeError('E_PLAN', `--rate ${rateRecordsPerSec} gives ${partName} ${index} (${deviceCount} of ${devices} devices) less than 1 record/s; raise --rate or lower --${partName}`);
    }
    recordsGiven += shardRecords ?? 0;
    rateGiven += shardRate ?? 0;
    shards.push({ index, firstDevice: firstDevice + index * perPart, deviceCount, records: shardRecords, rateRecordsPerSec: shardRate });
  }
  return shards;
}

/** floor(total × part / whole), exact for totals beyond 2^53 / part. */
function proportion(total: number, part: number, whole: number): number {
  return Number((BigInt(total) * BigInt(part)) / BigInt(whole));
}
