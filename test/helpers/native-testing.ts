import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { NativeAddon } from '../../src/native/load.js';
import { projectRoot } from '../../src/paths.js';

export interface NativeLayout {
  highestTrackableUs: number;
  countsLength: number;
  headerSlots: number;
  regionSlots: number;
  ackedSlot: number;
  failedSlot: number;
  ackedBytesSlot: number;
  clampedSlot: number;
  backpressureSlot: number;
  negativeCountSlot: number;
  negativeSumUsSlot: number;
  blockedMicrosSlot: number;
}

/** The addon built with the `testing` feature (native/src/testing.rs): the release exports and these. */
export interface NativeTestingAddon extends NativeAddon {
  /** the parser produceBatch uses */
  /** traced: the traced layout (identity in each record header; deviceIds and seqs then filled) */
  unpackBatchForTest(packed: Buffer, traced?: boolean): { keys: (string | null)[]; values: Buffer[]; intendedSendUs: number[]; deviceIds: number[]; seqs: number[] };
  /** records latencies into a region as the delivery reports do */
  recordLatenciesForTest(region: Float64Array, latenciesUs: Float64Array): void;
  /** runs the pacer's loop over a batch on this thread, noting each enqueue (wall µs) and its lateness */
  paceForTest(packed: Buffer): { enqueuedAtUs: number[]; lateUs: number[] };
  /** the region layout as the native side has it */
  layoutForTest(): NativeLayout;
  /** our murmur2 key placement against librdkafka's own murmur2_random partitioner, keyCount keys × partition counts 1..maxPartitions */
  comparePlacementForTest(keyCount: number, maxPartitions: number): { compared: number; mismatches: number; firstMismatch?: string };
}

export const testingAddonPath = join(projectRoot, 'native', 'stampede-native-testing.node');
let addon: NativeTestingAddon | undefined;

/** The testing build of the addon (`make test` builds it: node native/build.mjs --testing). */
export function loadTestingNative(): NativeTestingAddon {
  if (addon) return addon;
  if (!existsSync(testingAddonPath)) throw new Error(`no ${testingAddonPath}: build it with \`node native/build.mjs --testing\` (make test does)`);
  addon = createRequire(import.meta.url)(testingAddonPath) as NativeTestingAddon;
  return addon;
}
