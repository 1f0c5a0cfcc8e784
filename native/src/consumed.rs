//! Writer of the packed layout `NativeConsumer.poll` returns: one Buffer per poll, per record
//! little-endian
//! `u32 keyLength | u32 valueLength | i32 partition | u8 timestampType | u8 traceState | u16 0 |
//! f64 offset | f64 receivedAtUs | f64 timestampMs | [trace block] | key bytes | value bytes`:
//! a 40-byte header (the f64s stay 8-byte aligned whenever a record starts on an 8-byte boundary).
//! timestampType: 0 none, 1 CreateTime, 2 LogAppendTime (timestampMs -1 when none). traceState:
//! 0 no `stampede.trace` header, 1 one was read and a 32-byte trace block follows the header
//! (`8 bytes run id | u32 deviceId | u32 0 | f64 seq | f64 intendedSendUs`), 2 the header is there
//! but is not a trace this version reads (no block). A null key or value is written as 0 bytes.
//! `unpackConsumed` in src/clients/native-consumer.ts reads it.

use napi::bindgen_prelude::Buffer;
use napi::Result;
use napi_derive::napi;

use crate::trace::Trace;

pub const CONSUMED_HEADER_BYTES: usize = 40;
pub const TRACE_BLOCK_BYTES: usize = 32;

pub const TIMESTAMP_NONE: u8 = 0;
pub const TIMESTAMP_CREATE: u8 = 1;
pub const TIMESTAMP_LOG_APPEND: u8 = 2;

/// What a record's `stampede.trace` header held.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TraceRead {
    Absent,
    Present(Trace),
    /// a header under that name that is not a version-1 trace
    Unreadable,
}

/// A consumed record's metadata, beside its key and value.
#[derive(Clone, Copy, Debug)]
pub struct RecordMeta {
    pub partition: i32,
    pub offset: i64,
    pub received_at_us: f64,
    pub timestamp_type: u8,
    /// -1 when timestamp_type is TIMESTAMP_NONE
    pub timestamp_ms: i64,
    pub trace: TraceRead,
}

/// Bytes one record takes in the packed output.
#[inline]
pub fn packed_len(key: &[u8], value: &[u8], trace: &TraceRead) -> usize {
    let block = if matches!(trace, TraceRead::Present(_)) { TRACE_BLOCK_BYTES } else { 0 };
    CONSUMED_HEADER_BYTES + block + key.len() + value.len()
}

/// Appends one record; `out` should have `packed_len` bytes of spare capacity.
#[inline]
pub fn pack_record(out: &mut Vec<u8>, key: &[u8], value: &[u8], meta: &RecordMeta) {
    let trace_state: u8 = match meta.trace {
        TraceRead::Absent => 0,
        TraceRead::Present(_) => 1,
        TraceRead::Unreadable => 2,
    };
    out.extend_from_slice(&(key.len() as u32).to_le_bytes());
    out.extend_from_slice(&(value.len() as u32).to_le_bytes());
    out.extend_from_slice(&meta.partition.to_le_bytes());
    out.extend_from_slice(&[meta.timestamp_type, trace_state, 0, 0]);
    out.extend_from_slice(&(meta.offset as f64).to_le_bytes());
    out.extend_from_slice(&meta.received_at_us.to_le_bytes());
    out.extend_from_slice(&(meta.timestamp_ms as f64).to_le_bytes());
    if let TraceRead::Present(trace) = &meta.trace {
        out.extend_from_slice(&trace.run_id);
        out.extend_from_slice(&trace.device_id.to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&(trace.seq as f64).to_le_bytes());
        out.extend_from_slice(&(trace.intended_send_us as f64).to_le_bytes());
    }
    out.extend_from_slice(key);
    out.extend_from_slice(value);
}

/// One record for `packConsumedForTest`; the optional fields default to no timestamp and no header.
#[napi(object)]
pub struct ConsumedRecordForTest {
    pub key: Buffer,
    pub value: Buffer,
    pub partition: i32,
    pub offset: i64,
    pub received_at_us: f64,
    /// 0 none, 1 CreateTime, 2 LogAppendTime
    pub timestamp_type: Option<u32>,
    pub timestamp_ms: Option<i64>,
    /// the raw bytes of a `stampede.trace` header, read as `poll` reads one
    pub trace_header: Option<Buffer>,
}

/// Packs records with the writer `poll` uses (a trace header decoded as `poll` decodes it). Test-only.
#[napi]
pub fn pack_consumed_for_test(records: Vec<ConsumedRecordForTest>) -> Result<Buffer> {
    let metas: Vec<RecordMeta> = records
        .iter()
        .map(|r| RecordMeta {
            partition: r.partition,
            offset: r.offset,
            received_at_us: r.received_at_us,
            timestamp_type: r.timestamp_type.unwrap_or(0) as u8,
            timestamp_ms: if r.timestamp_type.unwrap_or(0) == 0 { -1 } else { r.timestamp_ms.unwrap_or(-1) },
            trace: r.trace_header.as_ref().map_or(TraceRead::Absent, |bytes| Trace::decode(bytes).map_or(TraceRead::Unreadable, TraceRead::Present)),
        })
        .collect();
    let total = records.iter().zip(&metas).map(|(r, m)| packed_len(&r.key, &r.value, &m.trace)).sum();
    let mut out = Vec::with_capacity(total);
    for (r, meta) in records.iter().zip(&metas) {
        pack_record(&mut out, &r.key, &r.value, meta);
    }
    Ok(out.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(partition: i32, offset: i64, trace: TraceRead) -> RecordMeta {
        RecordMeta { partition, offset, received_at_us: 1.5e15, timestamp_type: TIMESTAMP_CREATE, timestamp_ms: 1_700_000_000_123, trace }
    }

    #[test]
    fn header_fields_and_bytes_are_where_the_layout_says() {
        let trace = Trace { run_id: *b"runid-01", device_id: 7, seq: 9, intended_send_us: 1_700_000_000_123_456 };
        let mut out = Vec::new();
        pack_record(&mut out, b"17", b"abc", &meta(2, 1 << 40, TraceRead::Absent));
        let second = out.len();
        pack_record(&mut out, b"", b"", &RecordMeta { timestamp_type: TIMESTAMP_NONE, timestamp_ms: -1, ..meta(-1, 0, TraceRead::Unreadable) });
        let third = out.len();
        pack_record(&mut out, b"7", b"v", &meta(0, 3, TraceRead::Present(trace)));
        assert_eq!(out.len(), packed_len(b"17", b"abc", &TraceRead::Absent) + packed_len(b"", b"", &TraceRead::Absent) + packed_len(b"7", b"v", &TraceRead::Present(trace)));
        let u32_at = |i: usize| u32::from_le_bytes(out[i..i + 4].try_into().unwrap());
        let f64_at = |i: usize| f64::from_le_bytes(out[i..i + 8].try_into().unwrap());
        assert_eq!((u32_at(0), u32_at(4)), (2, 3));
        assert_eq!(i32::from_le_bytes(out[8..12].try_into().unwrap()), 2);
        assert_eq!(&out[12..16], &[1, 0, 0, 0]);
        assert_eq!(f64_at(16), (1u64 << 40) as f64);
        assert_eq!(f64_at(24), 1.5e15);
        assert_eq!(f64_at(32), 1_700_000_000_123.0);
        assert_eq!(&out[40..45], b"17abc");
        assert_eq!(i32::from_le_bytes(out[second + 8..second + 12].try_into().unwrap()), -1);
        assert_eq!(&out[second + 12..second + 14], &[0, 2]);
        assert_eq!(f64_at(second + 32), -1.0);
        assert_eq!(&out[third + 13..third + 14], &[1]);
        assert_eq!(&out[third + 40..third + 48], b"runid-01");
        assert_eq!(u32_at(third + 48), 7);
        assert_eq!(f64_at(third + 56), 9.0);
        assert_eq!(f64_at(third + 64), 1_700_000_000_123_456.0);
        assert_eq!(&out[third + 72..], b"7v");
    }
}
