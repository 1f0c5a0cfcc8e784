/**
 * The shared-memory layout every worker writes and the coordinator reads: one region of f64 slots
 * per worker, a header of counters followed by HdrHistogram counts. f64 because counts stay exact to
 * 2^53 (a u32 bucket overflows in an hour at 1M rec/s) and an aligned 8-byte store is never torn on
 * the 64-bit hosts we run on, so the single writer needs no Atomics. The native client (Rust) writes
 * the same layout; change it here and there together.
 */

/** HdrHistogram parameters: microseconds, 3 significant digits, up to one hour. */
export const kLowestDiscernibleUs = 1;
export const kHighestTrackableUs = 3_600_000_000;
export const kSignificantDigits = 3;

// Derived exactly as HdrHistogram does, so bucket i here is bucket i there.
const largestSingleUnitResolution = 2 * 10 ** kSignificantDigits;
export const kSubBucketCountMagnitude = Math.ceil(Math.log2(largestSingleUnitResolution)); // 11
export const kSubBucketHalfCountMagnitude = kSubBucketCountMagnitude - 1; // 10
export const kSubBucketCount = 2 ** kSubBucketCountMagnitude; // 2048
export const kSubBucketHalfCount = kSubBucketCount / 2; // 1024
export const kBucketCount = bucketsNeeded(kHighestTrackableUs); // 22
export const kCountsLength = (kBucketCount + 1) * kSubBucketHalfCount; // 23552

function bucketsNeeded(highestValue: number): number {
  let smallestUntrackable = kSubBucketCount;
  let buckets = 1;
  while (smallestUntrackable <= highestValue) {
    if (smallestUntrackable > Number.MAX_SAFE_INTEGER / 2) return buckets + 1;
    smallestUntrackable *= 2;
    buckets++;
  }
  return buckets;
}

/** Header slots of a worker region, in f64 slots from the region's start. */
export const kSentSlot = 0; // records handed to the client
export const kAckedSlot = 1; // records the broker acknowledged
export const kFailedSlot = 2; // records whose delivery failed for good
export const kAckedBytesSlot = 3; // key + value bytes of acknowledged records
export const kBackpressureSlot = 4; // times the client said its queue was full and the sender waited
export const kClampedSlot = 5; // latencies above kHighestTrackableUs, recorded as that value
export const kDoneSlot = 6; // 1 once the worker has flushed and stopped writing
export const kSendMicrosSlot = 7; // µs the worker spent inside client.send (enqueueing), JS-written
// Values below zero (clock steps, cross-host skew) are never folded into the histogram's 0 bucket:
// they are counted here, beside it, with the sum of their magnitudes for a mean, so
// a reader sees them instead of a latency clamped to 0.
export const kNegativeCountSlot = 8;
export const kNegativeSumUsSlot = 9;
// µs a sender spent blocked on a full client queue (QUEUE_FULL backpressure); written by whichever
// side sends: the native pacer at a fixed rate, else the JS client.
export const kBlockedMicrosSlot = 10;
export const kHeaderSlots = 11;

export const kCountsSlot = kHeaderSlots;
export const kRegionSlots = kHeaderSlots + kCountsLength;
export const kRegionBytes = kRegionSlots * Float64Array.BYTES_PER_ELEMENT;

/** Control block, Int32 slots, shared by the coordinator and every worker. */
export const kStopFlagSlot = 0; // coordinator → workers: 1 = stop producing, flush, return
export const kReadyCountSlot = 1; // workers → coordinator: +1 once connected and ready to send
export const kGoFlagSlot = 2; // coordinator → workers: 1 = start sending (the measured clock starts)
// coordinator → workers, written before go: µs from the task's controlBaseWallUs to go, so every
// worker's arrival schedule starts when the measured clock does, not when the worker noticed.
export const kGoOffsetUsSlot = 3;
export const kControlSlots = 4;

/**
 * End-to-end consumers' control block, Int32 slots: stop (coordinator → consumers), then per
 * consumer i: slot kConsumerReadyBase + i = 1 once joined with its start offsets noted, and slot
 * kConsumerAssignedBase + i = partitions assigned to it now (it changes during a rebalance).
 */
export const kConsumerStopSlot = 0;
export const kConsumerReadyBase = 1;
export const kMaxConsumers = 256;
export const kConsumerAssignedBase = kConsumerReadyBase + kMaxConsumers;
// Per consumer i, slot kConsumerRetireBase + i = 1: this one alone leaves the group (--consumer-churn).
export const kConsumerRetireBase = kConsumerAssignedBase + kMaxConsumers;
// 1 = every consumer keeps its partitions paused (fetching stopped) while it goes on polling (--backlog).
export const kConsumerPauseSlot = kConsumerRetireBase + kMaxConsumers;
export const kConsumerControlSlots = kConsumerPauseSlot + 1;

export const regionBytesFor = (workers: number): number => workers * kRegionBytes;

/**
 * `stampede consume` readers' stats, Float64 slots, kReaderStatSlots per reader i at
 * i × kReaderStatSlots: its lag (records between its position and the end of its partitions, when
 * last measured), and how long joining the group took it (ms; 0 until it has joined).
 */
export const kReaderLagSlot = 0;
export const kReaderJoinMsSlot = 1;
export const kReaderStatSlots = 2;

/**
 * Producer threads' own CPU, Float64 slots, kThreadStatSlots per worker i at i × kThreadStatSlots:
 * the CPU µs (user + system) that worker's thread had used when it last wrote (after each batch),
 * read from its own thread CPU clock (native threadCpuMicros); -1 where that clock is missing.
 * The coordinator's interval differences give each thread's busy share, which tells
 * whether the generator, not the broker, limited the rate.
 */
export const kThreadCpuUsSlot = 0;
// µs the thread has spent runnable but waiting for a core (Linux /proc/thread-self/schedstat, read at
// most every 50 ms); -1 where unknown. On a shared host a thread that never blocks is busy or
// waiting all the time, though its CPU share alone may look low.
export const kThreadRunQueueUsSlot = 1;
export const kThreadStatSlots = 2;
