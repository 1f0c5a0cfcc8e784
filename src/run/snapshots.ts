import { mergeSnapshots } from '../histogram/merge.js';
import { readRegion, type RegionSnapshot } from '../shared/region.js';

/** Reads every worker's region and merges them: one cumulative view of the whole run. */
export function readAllRegions(regions: SharedArrayBuffer, workers: number): RegionSnapshot {
  const snapshots: RegionSnapshot[] = [];
  for (let index = 0; index < workers; index++) snapshots.push(readRegion(regions, index));
  return mergeSnapshots(snapshots);
}
