/**
 * Per-device sequence bookkeeping for loss and duplicate checks. Each device keeps the sequence
 * numbers it has seen as sorted half-open ranges [start, end); in-order arrival only extends the last
 * range, so the common case is one compare and one increment. Trackers from several consumer
 * threads merge by uniting ranges, which stays right even when a partition moved between them.
 */
export interface DeviceSequences {
  /** flat [start0, end0, start1, end1, …], sorted, non-overlapping, non-adjacent */
  ranges: number[];
  duplicates: number;
  outOfOrder: number;
}

export interface IntegritySummary {
  devices: number;
  /** distinct (device, seq) pairs received */
  uniqueRecords: number;
  duplicates: number;
  outOfOrder: number;
  /** sequence numbers missing below each device's highest one seen (or below what was expected) */
  lost: number;
  /** devices with at least one missing sequence number */
  devicesWithGaps: number;
  /** a few (device, first missing seq) examples, for the report */
  examples: { deviceId: number; missingSeq: number }[];
}

export class SequenceTracker {
  private readonly devices = new Map<number, DeviceSequences>();
  /** excused sequence numbers (aborted records, src/verify/aborted.ts) that were never read, and devices known only from them */
  private excusedUnread = 0;
  private excusedOnlyDevices = 0;

  record(deviceId: number, seq: number): void {
    let state = this.devices.get(deviceId);
    if (state === undefined) {
      this.devices.set(deviceId, { ranges: [seq, seq + 1], duplicates: 0, outOfOrder: 0 });
      return;
    }
    const ranges = state.ranges;
    const lastEnd = ranges[ranges.length - 1]!;
    if (seq === lastEnd) {
      ranges[ranges.length - 1] = lastEnd + 1;
    } else if (seq > lastEnd) {
      ranges.push(seq, seq + 1);
    } else if (insertRange(ranges, seq, seq + 1) > 0) {
      state.duplicates++;
    } else {
      state.outOfOrder++;
    }
  }

  /** Unites another tracker's ranges into this one; overlaps count as duplicates. */
  merge(other: SequenceTracker): void {
    for (const [deviceId, theirs] of other.devices) {
      const ours = this.devices.get(deviceId);
      if (ours === undefined) {
        this.devices.set(deviceId, { ranges: [...theirs.ranges], duplicates: theirs.duplicates, outOfOrder: theirs.outOfOrder });
        continue;
      }
      ours.duplicates += theirs.duplicates;
      ours.outOfOrder += theirs.outOfOrder;
      for (let i = 0; i < theirs.ranges.length; i += 2) ours.duplicates += insertRange(ours.ranges, theirs.ranges[i]!, theirs.ranges[i + 1]!);
    }
  }

  /**
   * Gaps are counted from seq 0 (every device starts at 0) up to the highest seq seen, or up to
   * `expectedPerDevice(deviceId)` when the producer's plan says how many each device sent: only then
   * is a loss at the tail visible, and a device never seen counts as wholly lost.
   */
  summarize(expected?: { devices: Iterable<number>; recordsPerDevice: (deviceId: number) => number }): IntegritySummary {
    const summary: IntegritySummary = { devices: this.devices.size - this.excusedOnlyDevices, uniqueRecords: -this.excusedUnread, duplicates: 0, outOfOrder: 0, lost: 0, devicesWithGaps: 0, examples: [] };
    const note = (deviceId: number, missingSeq: number): void => {
      summary.devicesWithGaps++;
      if (summary.examples.length < 5) summary.examples.push({ deviceId, missingSeq });
    };
    for (const [deviceId, state] of this.devices) {
      const { ranges } = state;
      let unique = 0;
      for (let i = 0; i < ranges.length; i += 2) unique += ranges[i + 1]! - ranges[i]!;
      const upTo = Math.max(ranges[ranges.length - 1]!, expected?.recordsPerDevice(deviceId) ?? 0);
      summary.uniqueRecords += unique;
      summary.duplicates += state.duplicates;
      summary.outOfOrder += state.outOfOrder;
      const missing = upTo - unique;
      if (missing > 0) {
        summary.lost += missing;
        note(deviceId, ranges[0]! > 0 ? 0 : ranges[1]!); // the first missing seq
      }
    }
    if (expected) {
      for (const deviceId of expected.devices) {
        if (this.devices.has(deviceId)) continue;
        const count = expected.recordsPerDevice(deviceId);
        if (count === 0) continue;
        summary.lost += count;
        note(deviceId, 0);
      }
    }
    return summary;
  }

  /**
   * Marks [start, end) of a device as accounted for though not meant to be read (records of an
   * aborted transaction): they are never counted lost, nor as records read unless they were.
   * Returns how many of them were read, and the first such seq (-1 when none). Call after merging.
   */
  excuse(deviceId: number, start: number, end: number): { count: number; firstSeq: number } {
    const state = this.devices.get(deviceId);
    if (state === undefined) {
      this.devices.set(deviceId, { ranges: [start, end], duplicates: 0, outOfOrder: 0 });
      this.excusedOnlyDevices++;
      this.excusedUnread += end - start;
      return { count: 0, firstSeq: -1 };
    }
    let firstSeq = -1;
    for (let i = 0; i < state.ranges.length && firstSeq < 0; i += 2) {
      const from = Math.max(start, state.ranges[i]!);
      if (from < Math.min(end, state.ranges[i + 1]!)) firstSeq = from;
    }
    const count = insertRange(state.ranges, start, end);
    this.excusedUnread += end - start - count;
    return { count, firstSeq };
  }

  /**
   * Takes out the sequence numbers at or past what each device sent (`sent(deviceId)`): records
   * naming a device of this run but a sequence it never reached are another producer's. Returns how
   * many distinct ones were taken out. Their latency was recorded when read, and the device's own
   * records read after them were counted out of order: a stranger is only known as one at the end.
   */
  dropBeyond(sent: (deviceId: number) => number): number {
    let dropped = 0;
    for (const [deviceId, state] of this.devices) {
      const limit = sent(deviceId);
      const kept: number[] = [];
      for (let i = 0; i < state.ranges.length; i += 2) {
        const start = state.ranges[i]!;
        const end = state.ranges[i + 1]!;
        if (end > limit) dropped += end - Math.max(start, limit);
        if (start < limit) kept.push(start, Math.min(end, limit));
      }
      if (kept.length === 0) this.devices.delete(deviceId);
      else state.ranges = kept;
    }
    return dropped;
  }

  /** Compact, structured-clone friendly form for sending a tracker from a worker thread. */
  export(): { deviceIds: Float64Array; states: DeviceSequences[] } {
    return { deviceIds: Float64Array.from(this.devices.keys()), states: [...this.devices.values()] };
  }

  static import(data: { deviceIds: Float64Array; states: DeviceSequences[] }): SequenceTracker {
    const tracker = new SequenceTracker();
    data.deviceIds.forEach((deviceId, i) => tracker.devices.set(deviceId, data.states[i]!));
    return tracker;
  }
}

/**
 * Inserts [start, end) into sorted flat ranges, coalescing neighbours; returns how many of the
 * inserted numbers were already present.
 */
function insertRange(ranges: number[], start: number, end: number): number {
  let overlap = 0;
  // First range whose end reaches start (ranges touching at `start` merge too).
  let i = 0;
  while (i < ranges.length && ranges[i + 1]! < start) i += 2;
  let mergedStart = start;
  let mergedEnd = end;
  let j = i;
  while (j < ranges.length && ranges[j]! <= end) {
    const rangeStart = ranges[j]!;
    const rangeEnd = ranges[j + 1]!;
    overlap += Math.max(0, Math.min(end, rangeEnd) - Math.max(start, rangeStart));
    mergedStart = Math.min(mergedStart, rangeStart);
    mergedEnd = Math.max(mergedEnd, rangeEnd);
    j += 2;
  }
  ranges.splice(i, j - i, mergedStart, mergedEnd);
  return overlap;
}
