//! The record trace: one compact binary Kafka header, `stampede.trace`, that carries a record's
//! identity outside its value, so it survives a stream processor that re-encodes the value (and
//! serves a device model whose values hold no identity). 29 bytes, little-endian:
//! `u8 version (1) | 8 bytes run id | u32 device id | u64 sequence | i64 intended send time (µs
//! since the Unix epoch)`. The README's "Record trace" section documents it for users' processors.

/// The header's name on every traced record.
pub const TRACE_HEADER_NAME: &str = "stampede.trace";
/// The same, NUL-terminated, for librdkafka's C calls.
pub const TRACE_HEADER_CNAME: &std::ffi::CStr = c"stampede.trace";
pub const TRACE_VERSION: u8 = 1;
pub const TRACE_BYTES: usize = 29;

/// A record's identity as the header carries it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Trace {
    pub run_id: [u8; 8],
    pub device_id: u32,
    pub seq: u64,
    pub intended_send_us: i64,
}

impl Trace {
    pub fn encode(&self) -> [u8; TRACE_BYTES] {
        let mut out = [0u8; TRACE_BYTES];
        out[0] = TRACE_VERSION;
        out[1..9].copy_from_slice(&self.run_id);
        out[9..13].copy_from_slice(&self.device_id.to_le_bytes());
        out[13..21].copy_from_slice(&self.seq.to_le_bytes());
        out[21..29].copy_from_slice(&self.intended_send_us.to_le_bytes());
        out
    }

    /// None unless the bytes are a version-1 trace of exactly TRACE_BYTES: a later version or a
    /// header of another writer under the same name is not read as one.
    pub fn decode(bytes: &[u8]) -> Option<Trace> {
        if bytes.len() != TRACE_BYTES || bytes[0] != TRACE_VERSION {
            return None;
        }
        let mut run_id = [0u8; 8];
        run_id.copy_from_slice(&bytes[1..9]);
        Some(Trace {
            run_id,
            device_id: u32::from_le_bytes(bytes[9..13].try_into().ok()?),
            seq: u64::from_le_bytes(bytes[13..21].try_into().ok()?),
            intended_send_us: i64::from_le_bytes(bytes[21..29].try_into().ok()?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_sits_where_the_layout_says() {
        let trace = Trace { run_id: *b"ABCDEFGH", device_id: 0x0102_0304, seq: 1 << 40, intended_send_us: 1_700_000_000_123_456 };
        let bytes = trace.encode();
        assert_eq!(bytes[0], 1);
        assert_eq!(&bytes[1..9], b"ABCDEFGH");
        assert_eq!(&bytes[9..13], &[4, 3, 2, 1]);
        assert_eq!(u64::from_le_bytes(bytes[13..21].try_into().unwrap()), 1 << 40);
        assert_eq!(i64::from_le_bytes(bytes[21..29].try_into().unwrap()), 1_700_000_000_123_456);
        assert_eq!(Trace::decode(&bytes), Some(trace));
    }

    #[test]
    fn other_versions_and_sizes_are_not_traces() {
        let mut bytes = Trace { run_id: [0; 8], device_id: 1, seq: 2, intended_send_us: 3 }.encode();
        assert!(Trace::decode(&bytes[..28]).is_none());
        bytes[0] = 2;
        assert!(Trace::decode(&bytes).is_none());
        assert!(Trace::decode(&[]).is_none());
    }
}
