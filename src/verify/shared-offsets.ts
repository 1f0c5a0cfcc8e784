/** partition → offset, as ConsumedRecordSink keeps its positions: a Map, or one shared by every consumer of a group. */
export interface OffsetStore {
  get(partition: number): number | undefined;
  set(partition: number, offset: number): void;
}

/**
 * Offsets per partition in shared memory, one Float64 slot per partition (-1: none yet), so every
 * consumer thread of one group sees the same ones. Used for the next offset the group has read:
 * when a partition moves to another member (a rebalance: --consumer-churn, a broker restart), the
 * new owner recognises what the old one had read and was delivered again as a re-read, not a
 * duplicate. One member owns a partition at a time, so each slot has one writer at a time.
 * Partitions past the buffer (added to the topic during the run) are kept per thread.
 */
export class SharedOffsets implements OffsetStore {
  private readonly slots: Float64Array;
  private readonly beyond = new Map<number, number>();

  constructor(buffer: SharedArrayBuffer) {
    this.slots = new Float64Array(buffer);
  }

  /** A buffer for `partitions` offsets, all unknown. */
  static allocate(partitions: number): SharedArrayBuffer {
    const buffer = new SharedArrayBuffer(Math.max(partitions, 1) * Float64Array.BYTES_PER_ELEMENT);
    new Float64Array(buffer).fill(-1);
    return buffer;
  }

  get(partition: number): number | undefined {
    if (partition >= this.slots.length) return this.beyond.get(partition);
    const offset = this.slots[partition]!;
    return offset < 0 ? undefined : offset;
  }

  set(partition: number, offset: number): void {
    if (partition >= this.slots.length) this.beyond.set(partition, offset);
    else this.slots[partition] = offset;
  }

  /** Every known offset, as a Map. */
  toMap(): Map<number, number> {
    const map = new Map(this.beyond);
    this.slots.forEach((offset, partition) => offset >= 0 && map.set(partition, offset));
    return map;
  }
}
