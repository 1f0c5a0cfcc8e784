//! The shared-memory region layout of `src/shared/layout.ts`, mirrored constant for constant.
//! Change it there and here together; `test/unit/native/region.test.ts` compares the two.
#![allow(dead_code)] // mirrored whole, the slots only JS writes included

/// HdrHistogram parameters: microseconds, 3 significant digits, up to one hour.
pub const LOWEST_DISCERNIBLE_US: u64 = 1;
pub const HIGHEST_TRACKABLE_US: u64 = 3_600_000_000;
pub const SIGNIFICANT_DIGITS: u32 = 3;

// Derived exactly as HdrHistogram does, so bucket i here is bucket i there (and in layout.ts).
const LARGEST_SINGLE_UNIT_RESOLUTION: u64 = 2 * 10u64.pow(SIGNIFICANT_DIGITS);
pub const SUB_BUCKET_COUNT_MAGNITUDE: u32 = LARGEST_SINGLE_UNIT_RESOLUTION.next_power_of_two().trailing_zeros(); // 11
pub const SUB_BUCKET_HALF_COUNT_MAGNITUDE: u32 = SUB_BUCKET_COUNT_MAGNITUDE - 1; // 10
pub const SUB_BUCKET_COUNT: u64 = 1 << SUB_BUCKET_COUNT_MAGNITUDE; // 2048
pub const SUB_BUCKET_HALF_COUNT: u64 = SUB_BUCKET_COUNT / 2; // 1024
pub const BUCKET_COUNT: usize = buckets_needed(HIGHEST_TRACKABLE_US); // 22
pub const COUNTS_LENGTH: usize = (BUCKET_COUNT + 1) * SUB_BUCKET_HALF_COUNT as usize; // 23552

const fn buckets_needed(highest_value: u64) -> usize {
    let mut smallest_untrackable = SUB_BUCKET_COUNT;
    let mut buckets = 1;
    while smallest_untrackable <= highest_value {
        if smallest_untrackable > u64::MAX / 2 {
            return buckets + 1;
        }
        smallest_untrackable *= 2;
        buckets += 1;
    }
    buckets
}

/// Header slots of a worker region, in f64 slots from the region's start.
pub const SENT_SLOT: usize = 0; // written by JS
pub const ACKED_SLOT: usize = 1;
pub const FAILED_SLOT: usize = 2;
pub const ACKED_BYTES_SLOT: usize = 3;
pub const BACKPRESSURE_SLOT: usize = 4; // written by JS, or by the native pacer at a fixed rate
pub const CLAMPED_SLOT: usize = 5;
pub const DONE_SLOT: usize = 6; // written by JS
pub const SEND_MICROS_SLOT: usize = 7; // written by JS: µs spent inside client.send
/// Values below zero, counted beside the histogram instead of folded into its 0 bucket.
pub const NEGATIVE_COUNT_SLOT: usize = 8;
/// Sum of the magnitudes (µs) of those values, for their mean.
pub const NEGATIVE_SUM_US_SLOT: usize = 9;
/// µs a sender spent blocked on QUEUE_FULL: the native pacer's at a fixed rate, else JS's.
pub const BLOCKED_MICROS_SLOT: usize = 10;
pub const HEADER_SLOTS: usize = 11;

pub const COUNTS_SLOT: usize = HEADER_SLOTS;
pub const REGION_SLOTS: usize = HEADER_SLOTS + COUNTS_LENGTH;
