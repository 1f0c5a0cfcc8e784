//! Writer of the packed layout `NativeConsumer.poll` returns: one Buffer per poll, per record
//! little-endian `u32 keyLength | u32 valueLength | i32 partition | u32 reserved (0) | f64 offset |
//! f64 receivedAtUs | key bytes | value bytes` (a 32-byte header, so the f64s stay 8-byte aligned
//! whenever a record starts on an 8-byte boundary). A null key or value is written as 0 bytes.
//! `unpackConsumed` in src/clients/native-consumer.ts reads it.

use napi::bindgen_prelude::Buffer;
use napi::Result;
use napi_derive::napi;

pub const CONSUMED_HEADER_BYTES: usize = 32;

/// Bytes one record takes in the packed output.
#[inline]
pub fn packed_len(key: &[u8], value: &[u8]) -> usize {
    CONSUMED_HEADER_BYTES + key.len() + value.len()
}

/// Appends one record; `out` should have `packed_len` bytes of spare capacity.
#[inline]
pub fn pack_record(out: &mut Vec<u8>, key: &[u8], value: &[u8], partition: i32, offset: i64, received_at_us: f64) {
    out.extend_from_slice(&(key.len() as u32).to_le_bytes());
    out.extend_from_slice(&(value.len() as u32).to_le_bytes());
    out.extend_from_slice(&partition.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&(offset as f64).to_le_bytes());
    out.extend_from_slice(&received_at_us.to_le_bytes());
    out.extend_from_slice(key);
    out.extend_from_slice(value);
}

/// One record for `packConsumedForTest`.
#[napi(object)]
pub struct ConsumedRecordForTest {
    pub key: Buffer,
    pub value: Buffer,
    pub partition: i32,
    pub offset: i64,
    pub received_at_us: f64,
}

/// Packs records with the writer `poll` uses. Test-only.
#[napi]
pub fn pack_consumed_for_test(records: Vec<ConsumedRecordForTest>) -> Result<Buffer> {
    let total = records.iter().map(|r| packed_len(&r.key, &r.value)).sum();
    let mut out = Vec::with_capacity(total);
    for r in &records {
        pack_record(&mut out, &r.key, &r.value, r.partition, r.offset, r.received_at_us);
    }
    Ok(out.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_fields_and_bytes_are_where_the_layout_says() {
        let mut out = Vec::new();
        pack_record(&mut out, b"17", b"abc", 2, 1 << 40, 1.5e15);
        pack_record(&mut out, b"", b"", -1, 0, 0.0);
        assert_eq!(out.len(), packed_len(b"17", b"abc") + packed_len(b"", b""));
        let u32_at = |i: usize| u32::from_le_bytes(out[i..i + 4].try_into().unwrap());
        let f64_at = |i: usize| f64::from_le_bytes(out[i..i + 8].try_into().unwrap());
        assert_eq!((u32_at(0), u32_at(4)), (2, 3));
        assert_eq!(i32::from_le_bytes(out[8..12].try_into().unwrap()), 2);
        assert_eq!(u32_at(12), 0);
        assert_eq!(f64_at(16), (1u64 << 40) as f64);
        assert_eq!(f64_at(24), 1.5e15);
        assert_eq!(&out[32..37], b"17abc");
        assert_eq!(i32::from_le_bytes(out[37 + 8..37 + 12].try_into().unwrap()), -1);
    }
}
