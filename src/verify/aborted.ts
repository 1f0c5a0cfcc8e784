import type { SequenceTracker } from './sequence-tracker.js';

/** Appends [start, end) to ascending flat ranges, joining it to the last one when they touch. */
export function appendRange(ranges: number[], start: number, end: number): void {
  if (end <= start) return;
  if (ranges.length > 0 && ranges[ranges.length - 1] === start) ranges[ranges.length - 1] = end;
  else ranges.push(start, end);
}

/**
 * Which device sends a shard's k-th record, and how many records a device had sent before the
 * shard's k-th: the built-in simulator's round-robin, or a device model's schedule.
 */
export interface ShardOrder {
  /** the offset in the shard of the device whose record is the shard's k-th */
  deviceAt(k: number): number;
  /** records the device at `offset` sent among the shard's first k */
  sentBefore(offset: number, k: number): number;
}

/**
 * The simulator walks a shard's devices round-robin (src/records/device.ts): its record k is device
 * firstDevice + k mod D with sequence floor(k / D), so the device at offset o had sent
 * ceil((k − o) / D) records before record k.
 */
const roundRobin = (D: number): ShardOrder => ({ deviceAt: (k) => k % D, sentBefore: (offset, k) => Math.max(0, Math.ceil((k - offset) / D)) });

/**
 * Per device, the sequence numbers of a shard's aborted records. An aborted range [a, b) of record
 * indexes gives each device one contiguous sequence range: [sentBefore(o, a), sentBefore(o, b)).
 * Work is O(min(b − a, D)) per range. Returns flat ascending [start, end) ranges per device id.
 */
export function abortedSequences(shard: { firstDevice: number; deviceCount: number }, abortedRanges: readonly number[], order: ShardOrder = roundRobin(shard.deviceCount)): Map<number, number[]> {
  const D = shard.deviceCount;
  const perDevice = new Map<number, number[]>();
  const add = (offset: number, start: number, end: number): void => {
    if (end <= start) return; // a device of a model that sent nothing in the range
    const deviceId = shard.firstDevice + offset;
    let ranges = perDevice.get(deviceId);
    if (ranges === undefined) perDevice.set(deviceId, (ranges = []));
    appendRange(ranges, start, end);
  };
  for (let i = 0; i < abortedRanges.length; i += 2) {
    const a = abortedRanges[i]!;
    const b = abortedRanges[i + 1]!;
    if (b - a >= D) {
      for (let o = 0; o < D; o++) add(o, order.sentBefore(o, a), order.sentBefore(o, b));
    } else {
      for (let k = a; k < b; k++) {
        const o = order.deviceAt(k);
        const seq = order.sentBefore(o, k);
        add(o, seq, seq + 1);
      }
    }
  }
  return perDevice;
}

/** What the aborted-transaction check found. */
export interface AbortedCheck {
  /** records of aborted transactions, over every producer thread */
  abortedRecords: number;
  /** of those, how many a consumer read: Jepsen's "aborted read"; must be 0 under read_committed */
  abortedRead: number;
  /** a few (device, seq) of aborted records that were read, for the report */
  abortedReadExamples: { deviceId: number; seq: number }[];
}

/**
 * Takes the aborted records out of the loss count and counts the ones that were read. Call after
 * every consumer's tracker is merged and before `summarize`: an aborted record is then neither lost
 * (it was never meant to be read) nor part of the unique records read, unless it was read — which is
 * counted as an aborted read.
 */
export function excuseAborted(
  tracker: SequenceTracker,
  shards: readonly { firstDevice: number; deviceCount: number }[],
  abortedRangesPerShard: readonly (readonly number[] | undefined)[],
  orders?: readonly ShardOrder[],
): AbortedCheck {
  const check: AbortedCheck = { abortedRecords: 0, abortedRead: 0, abortedReadExamples: [] };
  shards.forEach((shard, index) => {
    const ranges = abortedRangesPerShard[index];
    if (!ranges || ranges.length === 0) return;
    for (const [deviceId, seqs] of abortedSequences(shard, ranges, orders?.[index])) {
      for (let i = 0; i < seqs.length; i += 2) {
        const read = tracker.excuse(deviceId, seqs[i]!, seqs[i + 1]!);
        check.abortedRecords += seqs[i + 1]! - seqs[i]!;
        check.abortedRead += read.count;
        if (read.count > 0 && check.abortedReadExamples.length < 5) check.abortedReadExamples.push({ deviceId, seq: read.firstSeq });
      }
    }
  });
  return check;
}
