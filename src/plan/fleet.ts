import { StampedeError } from '../errors.js';
import { planShards, type Shard } from './shard.js';

/** One host's (or one instance's) part of a run: its device range, then its threads' ranges. */
export interface HostPlan {
  /** 0-based position in --hosts (or the instance id) */
  index: number;
  /** the ssh_config Host name, or "instance-<i>" */
  name: string;
  /** the whole slice: its first device, device count, records and rate */
  slice: Shard;
  /** the slice split across this host's --workers; indices are local (0..workers-1), device ids global */
  workers: Shard[];
}

export interface FleetRequest {
  names: readonly string[];
  devices: number;
  workersPerHost: number;
  records?: number | undefined;
  rateRecordsPerSec?: number | undefined;
  /** "hosts" or "instances", for messages */
  partName: 'hosts' | 'instances';
}

/**
 * The two-level plan: devices across hosts by the same rule as across workers (floor, the
 * remainder to the last), then each host's range across its workers. Records and rates follow the
 * devices at both levels and sum exactly to what was asked. A pure function, so every instance of
 * an Indexed Job computes its own slice alone and agrees with the others (style pattern 15).
 */
export function planFleet(request: FleetRequest): HostPlan[] {
  const { names, devices, workersPerHost, records, rateRecordsPerSec, partName } = request;
  const slices = planShards({ firstDevice: 0, devices, parts: names.length, records, rateRecordsPerSec, partName });
  return slices.map((slice, index) => ({
    index,
    name: names[index]!,
    slice,
    workers: planShards({ firstDevice: slice.firstDevice, devices: slice.deviceCount, parts: workersPerHost, records: slice.records, rateRecordsPerSec: slice.rateRecordsPerSec }),
  }));
}

/** Every host's workers in one list, indices renumbered 0..hosts×workers-1: the run's plan in the JSON. */
export function flattenFleet(hosts: readonly HostPlan[]): Shard[] {
  const flat: Shard[] = [];
  for (const host of hosts) for (const shard of host.workers) flat.push({ ...shard, index: flat.length });
  return flat;
}

/** Slice `id` of `count`, for `run --instance-id I --instances N`. */
export function planInstance(request: Omit<FleetRequest, 'names' | 'partName'> & { id: number; count: number }): HostPlan {
  if (request.id >= request.count) throw new StampedeError('E_OPTION', `--instance-id ${request.id} is not below --instances ${request.count} (ids are 0..${request.count - 1})`);
  const names = Array.from({ length: request.count }, (_, i) => `instance-${i}`);
  return planFleet({ ...request, names, partName: 'instances' })[request.id]!;
}
