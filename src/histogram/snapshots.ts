import { mergeSnapshots } from '../histogram/merge.js';
import { kAckedBytesSlot, kAckedSlot, kHeaderSlots, kRegionBytes } from '../shared/layout.js';
import { readRegion, type RegionSnapshot } from '../shared/region.js';

/** Reads every worker's region and merges them: one cumulative view of the whole run. */
export function readAllRegions(regions: SharedArrayBuffer, workers: number): RegionSnapshot {
  const snapshots: RegionSnapshot[] = [];
  for (let index = 0; index < workers; index++) snapshots.push(readRegion(regions, index));
  return mergeSnapshots(snapshots);
}

/** Acked records and bytes of every region, summed, without copying histograms: cheap enough to read every few ms. */
export function readAckedTotals(regions: SharedArrayBuffer, workers: number): { acked: number; ackedBytes: number } {
  let acked = 0;
  let ackedBytes = 0;
  for (let index = 0; index < workers; index++) {
    const header = new Float64Array(regions, index * kRegionBytes, kHeaderSlots);
    acked += header[kAckedSlot]!;
    ackedBytes += header[kAckedBytesSlot]!;
  }
  return { acked, ackedBytes };
}
