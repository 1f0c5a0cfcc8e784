import type { DeviceSequences } from '../verify/sequence-tracker.js';

/** What any reading thread (an e2e consumer, a `consume` reader) hands back when it ends well: its device sequences and counts. */
export interface ReadOutcome {
  ok: true;
  trackerDeviceIds: Float64Array;
  trackerStates: DeviceSequences[];
  partitionCounts: [number, number][];
  decodeErrors: number;
  firstDecodeError: string | null;
}

/** A thread that failed: its error survives the thread hop as data. */
export interface ThreadFailure {
  ok: false;
  code: string;
  message: string;
  exitCode: number;
}
