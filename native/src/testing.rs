//! Test-only exports: the very code paths produceBatch and the delivery reports use, opened to the
//! TS tests so they can compare them with the JS reference (src/records/batch.ts, src/shared/region.ts).

use napi::bindgen_prelude::{Buffer, Float64Array};
use napi::Result;
use napi_derive::napi;

use std::sync::atomic::AtomicBool;

use crate::batch::PackedRecords;
use crate::pacer::{pace_packed_batch, tighten_timer_slack, TimingSink};
use crate::layout;
use crate::region::Region;

/// A packed batch as the native parser reads it.
#[napi(object)]
pub struct UnpackedBatch {
    /// null for a null key (keyLength 0xFFFFFFFF)
    pub keys: Vec<Option<String>>,
    pub values: Vec<Buffer>,
    pub intended_send_us: Vec<f64>,
    /// a traced batch: each record's device id and sequence (empty otherwise)
    pub device_ids: Vec<u32>,
    pub seqs: Vec<f64>,
}

/// Parses a packed batch with the parser produceBatch uses (`traced`: the traced layout). Test-only.
#[napi]
pub fn unpack_batch_for_test(packed: &[u8], traced: Option<bool>) -> Result<UnpackedBatch> {
    let mut batch = UnpackedBatch { keys: Vec::new(), values: Vec::new(), intended_send_us: Vec::new(), device_ids: Vec::new(), seqs: Vec::new() };
    for record in PackedRecords::new(packed, 0, traced.unwrap_or(false))? {
        let record = record?;
        if let Some((device_id, seq)) = record.identity {
            batch.device_ids.push(device_id);
            batch.seqs.push(seq);
        }
        batch.keys.push(record.key.map(|key| String::from_utf8_lossy(key).into_owned()));
        batch.values.push(record.value.to_vec().into());
        batch.intended_send_us.push(record.intended_send_us);
    }
    Ok(batch)
}

/// Records each latency (µs) into a worker region as a delivery report does. Test-only.
#[napi]
pub fn record_latencies_for_test(mut region: Float64Array, latencies_us: &[f64]) -> Result<()> {
    // SAFETY: the typed array's memory, alive for the duration of this call.
    let region = unsafe { Region::new(region.as_mut().as_mut_ptr(), region.len())? };
    for &latency_us in latencies_us {
        region.record_latency_us(latency_us);
    }
    Ok(())
}

/// The region layout constants as the native side has them. Test-only.
#[napi(object)]
pub struct NativeLayout {
    pub highest_trackable_us: f64,
    pub counts_length: u32,
    pub header_slots: u32,
    pub region_slots: u32,
    pub acked_slot: u32,
    pub failed_slot: u32,
    pub acked_bytes_slot: u32,
    pub clamped_slot: u32,
    pub backpressure_slot: u32,
    pub negative_count_slot: u32,
    pub negative_sum_us_slot: u32,
    pub blocked_micros_slot: u32,
}

#[napi]
pub fn layout_for_test() -> NativeLayout {
    NativeLayout {
        highest_trackable_us: layout::HIGHEST_TRACKABLE_US as f64,
        counts_length: layout::COUNTS_LENGTH as u32,
        header_slots: layout::HEADER_SLOTS as u32,
        region_slots: layout::REGION_SLOTS as u32,
        acked_slot: layout::ACKED_SLOT as u32,
        failed_slot: layout::FAILED_SLOT as u32,
        acked_bytes_slot: layout::ACKED_BYTES_SLOT as u32,
        clamped_slot: layout::CLAMPED_SLOT as u32,
        backpressure_slot: layout::BACKPRESSURE_SLOT as u32,
        negative_count_slot: layout::NEGATIVE_COUNT_SLOT as u32,
        negative_sum_us_slot: layout::NEGATIVE_SUM_US_SLOT as u32,
        blocked_micros_slot: layout::BLOCKED_MICROS_SLOT as u32,
    }
}

/// When each record of a packed batch went in under the pacer, and how late.
#[napi(object)]
pub struct PacedForTest {
    /// Wall clock (µs since the Unix epoch) at each record's enqueue.
    pub enqueued_at_us: Vec<f64>,
    /// Enqueue − intended, µs, as the publish delay records it.
    pub late_us: Vec<f64>,
}

/// Runs the pacer's loop over a packed batch on a thread set up as the pacer's is (blocking the
/// caller until the last record is due), with a sink that notes enqueue times instead of calling
/// librdkafka. Test-only.
#[napi]
pub fn pace_for_test(packed: &[u8]) -> Result<PacedForTest> {
    let packed = packed.to_vec();
    let paced = std::thread::spawn(move || {
        tighten_timer_slack();
        let mut sink = TimingSink::default();
        pace_packed_batch(&packed, false, &AtomicBool::new(false), &mut sink).map(|_| sink)
    })
    .join()
    .map_err(|_| napi::Error::new(napi::Status::GenericFailure, "the pacing thread panicked".to_owned()))?;
    let sink = paced?;
    Ok(PacedForTest { enqueued_at_us: sink.enqueued_at_us, late_us: sink.late_us })
}

/// How our key placement compared with librdkafka's own `murmur2_random` partitioner.
#[napi(object)]
pub struct PlacementComparison {
    /// keys × partition counts compared
    pub compared: f64,
    /// comparisons where the two disagreed (0 expected)
    pub mismatches: f64,
    /// the first disagreement, "key-hex partitions ours theirs", when there was one
    pub first_mismatch: Option<String>,
}

/// Compares `partition::murmur2_partition` with librdkafka's rd_kafka_msg_partitioner_murmur2_random
/// for `keyCount` keys and every partition count 1..=`maxPartitions`. The keys: half are device ids
/// in decimal (stampede's keys), half are pseudo-random bytes of 0..=40 bytes (every tail length of
/// murmur2's 4-byte blocks, and the empty, non-null key). Test-only.
#[napi]
pub fn compare_placement_for_test(key_count: u32, max_partitions: u32) -> PlacementComparison {
    let mut comparison = PlacementComparison { compared: 0.0, mismatches: 0.0, first_mismatch: None };
    let mut random_state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut random_key = Vec::with_capacity(40);
    for index in 0..key_count {
        let decimal;
        let key: &[u8] = if index % 2 == 0 {
            decimal = (index / 2).to_string();
            decimal.as_bytes()
        } else {
            // xorshift64*: deterministic, so a failure repeats.
            random_key.clear();
            random_state ^= random_state >> 12;
            random_state ^= random_state << 25;
            random_state ^= random_state >> 27;
            let length = (random_state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 58) as usize % 41;
            for _ in 0..length {
                random_state ^= random_state >> 12;
                random_state ^= random_state << 25;
                random_state ^= random_state >> 27;
                random_key.push((random_state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8);
            }
            &random_key
        };
        for partitions in 1..=max_partitions {
            let ours = crate::partition::murmur2_partition(key, partitions);
            // SAFETY: a non-null key pointer (an empty slice's is dangling but non-null, and
            // librdkafka reads 0 bytes of it); the topic handle is only read for a NULL key.
            let theirs = unsafe {
                rdkafka::bindings::rd_kafka_msg_partitioner_murmur2_random(
                    std::ptr::null(),
                    key.as_ptr().cast(),
                    key.len(),
                    partitions as i32,
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                )
            };
            comparison.compared += 1.0;
            if ours != theirs {
                comparison.mismatches += 1.0;
                if comparison.first_mismatch.is_none() {
                    let hex: String = key.iter().map(|byte| format!("{byte:02x}")).collect();
                    comparison.first_mismatch = Some(format!("{hex} {partitions} {ours} {theirs}"));
                }
            }
        }
    }
    comparison
}
