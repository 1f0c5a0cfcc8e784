//! The writer of the native side's slots of one worker region: acked, failed, ackedBytes, clamped,
//! the negative count and sum, and the histogram counts; at a fixed rate also backpressure and
//! blocked µs (the pacer's). JS writes sent and done of the same region (and backpressure and
//! blocked µs when no pacer runs); no slot has two writers across the JS/native line.

use std::ptr::NonNull;
use std::sync::atomic::{AtomicU64, Ordering};

use napi::{Error, Result, Status};

use crate::histogram::{clamp_us, counts_index_of};
use crate::layout::{
    ACKED_BYTES_SLOT, ACKED_SLOT, BACKPRESSURE_SLOT, BLOCKED_MICROS_SLOT, CLAMPED_SLOT, COUNTS_SLOT, FAILED_SLOT,
    NEGATIVE_COUNT_SLOT, NEGATIVE_SUM_US_SLOT, REGION_SLOTS,
};

/// f64 slots inside a SharedArrayBuffer, reached as `AtomicU64` bit patterns: a Relaxed load or
/// store is a plain aligned 8-byte access (never torn), which is what the JS reader expects.
#[derive(Clone, Copy)]
pub struct Region {
    slots: NonNull<AtomicU64>,
}

// SAFETY: the memory is a SharedArrayBuffer's, made for access from several threads; whoever
// creates a Region keeps that memory alive for as long as any copy of it is used (see producer.rs).
unsafe impl Send for Region {}
unsafe impl Sync for Region {}

impl Region {
    /// Wraps `len` f64 slots at `data`, which must be exactly one worker region.
    ///
    /// # Safety
    /// `data` must point to `len` f64 values that outlive every use of the returned Region.
    pub unsafe fn new(data: *mut f64, len: usize) -> Result<Region> {
        if len != REGION_SLOTS {
            return Err(Error::new(
                Status::InvalidArg,
                format!("region must be a Float64Array of exactly one worker region ({REGION_SLOTS} slots), got {len} slots"),
            ));
        }
        match NonNull::new(data.cast::<AtomicU64>()) {
            Some(slots) if slots.as_ptr().is_aligned() => Ok(Region { slots }),
            _ => Err(Error::new(Status::InvalidArg, "region memory must be 8-byte aligned and non-null".to_owned())),
        }
    }

    #[inline]
    fn slot(&self, index: usize) -> &AtomicU64 {
        debug_assert!(index < REGION_SLOTS);
        // SAFETY: index < REGION_SLOTS, checked in new() for the region's length.
        unsafe { &*self.slots.as_ptr().add(index) }
    }

    /// Single-writer add: load, add, store. Only for slots this thread alone writes.
    #[inline]
    fn add(&self, index: usize, amount: f64, order: Ordering) {
        let slot = self.slot(index);
        let value = f64::from_bits(slot.load(Ordering::Relaxed)) + amount;
        slot.store(value.to_bits(), order);
    }

    /// Records one latency; values past an hour are clamped to it and counted in the clamped slot.
    #[inline]
    pub fn record_latency_us(&self, latency_us: f64) {
        self.record_latencies_us(latency_us, 1.0);
    }

    /// Records `count` latencies of the same value (records acknowledged together that were
    /// enqueued together): one histogram write for all of them. Values below zero are counted
    /// beside the histogram (count and summed magnitude), never folded into its 0 bucket.
    #[inline]
    pub fn record_latencies_us(&self, latency_us: f64, count: f64) {
        if latency_us < 0.0 {
            self.add(NEGATIVE_COUNT_SLOT, count, Ordering::Relaxed);
            self.add(NEGATIVE_SUM_US_SLOT, -latency_us * count, Ordering::Relaxed);
            return;
        }
        let (value_us, clamped) = clamp_us(latency_us);
        if clamped {
            self.add(CLAMPED_SLOT, count, Ordering::Relaxed);
        }
        self.add(COUNTS_SLOT + counts_index_of(value_us), count, Ordering::Relaxed);
    }

    /// Counts one acknowledged record of `bytes` key + value bytes. Call after recording its
    /// latency: the counter is stored last (Release), so a reader never sees more acks than latencies.
    #[inline]
    pub fn add_acked(&self, bytes: f64) {
        self.add_acked_records(1.0, bytes);
    }

    /// Counts `records` acknowledged records of `bytes` key + value bytes in all; same ordering rule.
    #[inline]
    pub fn add_acked_records(&self, records: f64, bytes: f64) {
        self.add(ACKED_BYTES_SLOT, bytes, Ordering::Relaxed);
        self.add(ACKED_SLOT, records, Ordering::Release);
    }

    /// Counts one QUEUE_FULL episode of the pacer (its single writer at a fixed rate).
    pub fn add_backpressure(&self) {
        self.add(BACKPRESSURE_SLOT, 1.0, Ordering::Relaxed);
    }

    /// Adds time the pacer sat blocked on QUEUE_FULL (its single writer at a fixed rate).
    pub fn add_blocked_micros(&self, micros: f64) {
        self.add(BLOCKED_MICROS_SLOT, micros, Ordering::Relaxed);
    }

    /// Counts failed records. The failed slot has two native writers (the poll thread for failed
    /// deliveries, the JS thread for records librdkafka refused to enqueue), so this one is a
    /// compare-and-swap add; failures are rare enough that its cost does not matter.
    pub fn add_failed(&self, records: f64) {
        let slot = self.slot(FAILED_SLOT);
        let mut current = slot.load(Ordering::Relaxed);
        loop {
            let next = (f64::from_bits(current) + records).to_bits();
            match slot.compare_exchange_weak(current, next, Ordering::Release, Ordering::Relaxed) {
                Ok(_) => return,
                Err(actual) => current = actual,
            }
        }
    }
}
