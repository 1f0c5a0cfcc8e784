//! Test-only exports: the very code paths produceBatch and the delivery reports use, opened to the
//! TS tests so they can compare them with the JS reference (src/records/batch.ts, src/shared/region.ts).

use napi::bindgen_prelude::{Buffer, Float64Array};
use napi::Result;
use napi_derive::napi;

use crate::batch::PackedRecords;
use crate::layout;
use crate::region::Region;

/// A packed batch as the native parser reads it.
#[napi(object)]
pub struct UnpackedBatch {
    pub keys: Vec<String>,
    pub values: Vec<Buffer>,
    pub intended_send_us: Vec<f64>,
}

/// Parses a packed batch with the parser produceBatch uses. Test-only.
#[napi]
pub fn unpack_batch_for_test(packed: &[u8]) -> Result<UnpackedBatch> {
    let mut batch = UnpackedBatch { keys: Vec::new(), values: Vec::new(), intended_send_us: Vec::new() };
    for record in PackedRecords::new(packed, 0)? {
        let record = record?;
        batch.keys.push(String::from_utf8_lossy(record.key).into_owned());
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
    }
}
