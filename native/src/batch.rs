//! Reader of the packed batch layout of `src/records/batch.ts`. Per record, little-endian:
//! `u32 keyLength | u32 valueLength | f64 intendedSendUs | key bytes | value bytes`; a batch of a
//! run with `--record-trace header` has 16 more header bytes per record, before the key:
//! `u32 deviceId | u32 0 | f64 seq` (the record's identity, for its trace header).
//! keyLength = 0xFFFFFFFF (`NULL_KEY_LENGTH`) is a null key with no key bytes (`--keys none`):
//! librdkafka's sticky partitioner then spreads the records, as the peers' unkeyed records are.

use napi::{Error, Result, Status};

pub const RECORD_HEADER_BYTES: usize = 16;
/// The header of a record of a traced batch: identity after the intended send time.
pub const TRACED_RECORD_HEADER_BYTES: usize = 32;

/// keyLength of a record with a null key (not an empty one).
pub const NULL_KEY_LENGTH: u32 = u32::MAX;

/// One record of a packed batch; key and value borrow the batch.
pub struct PackedRecord<'a> {
    /// None: a null key (keyLength = NULL_KEY_LENGTH).
    pub key: Option<&'a [u8]>,
    pub value: &'a [u8],
    pub intended_send_us: f64,
    /// (device id, sequence) in a traced batch; None otherwise
    pub identity: Option<(u32, f64)>,
}

/// Walks a packed batch from a byte offset; `position()` is where the next record starts.
pub struct PackedRecords<'a> {
    packed: &'a [u8],
    at: usize,
    /// RECORD_HEADER_BYTES, or TRACED_RECORD_HEADER_BYTES for a traced batch
    header_bytes: usize,
}

impl<'a> PackedRecords<'a> {
    /// `traced`: the batch has the traced layout (identity in each record's header).
    pub fn new(packed: &'a [u8], from_byte: usize, traced: bool) -> Result<Self> {
        if from_byte > packed.len() {
            return Err(Error::new(
                Status::InvalidArg,
                format!("fromByte {from_byte} is past the end of the {}-byte batch", packed.len()),
            ));
        }
        Ok(PackedRecords { packed, at: from_byte, header_bytes: if traced { TRACED_RECORD_HEADER_BYTES } else { RECORD_HEADER_BYTES } })
    }

    pub fn position(&self) -> usize {
        self.at
    }

    fn truncated(&self, what: &str) -> Error {
        Error::new(
            Status::InvalidArg,
            format!(
                "packed batch is truncated: the record at byte {} lacks its {what} ({} bytes in the batch)",
                self.at,
                self.packed.len()
            ),
        )
    }
}

impl<'a> Iterator for PackedRecords<'a> {
    type Item = Result<PackedRecord<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = &self.packed[self.at..];
        if rest.is_empty() {
            return None;
        }
        let header_bytes = self.header_bytes;
        let Some(header) = rest.get(..header_bytes) else {
            return Some(Err(self.truncated(if header_bytes == RECORD_HEADER_BYTES { "16-byte header" } else { "32-byte header" })));
        };
        let u32_at = |i: usize| u32::from_le_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]);
        let key_length = u32_at(0);
        let null_key = key_length == NULL_KEY_LENGTH;
        let key_bytes = if null_key { 0 } else { key_length as usize };
        let value_bytes = u32_at(4) as usize;
        let mut stamp = [0u8; 8];
        stamp.copy_from_slice(&header[8..16]);
        let intended_send_us = f64::from_le_bytes(stamp);
        let identity = if header_bytes == TRACED_RECORD_HEADER_BYTES {
            let mut seq = [0u8; 8];
            seq.copy_from_slice(&header[24..32]);
            Some((u32_at(16), f64::from_le_bytes(seq)))
        } else {
            None
        };
        let key_end = header_bytes + key_bytes;
        let value_end = key_end + value_bytes;
        if rest.len() < value_end {
            return Some(Err(self.truncated("key and value")));
        }
        self.at += value_end;
        Some(Ok(PackedRecord {
            key: if null_key { None } else { Some(&rest[header_bytes..key_end]) },
            value: &rest[key_end..value_end],
            intended_send_us,
            identity,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack(records: &[(&str, &[u8], f64)]) -> Vec<u8> {
        let keyed: Vec<_> = records.iter().map(|(key, value, stamp)| (Some(*key), *value, *stamp)).collect();
        pack_optional(&keyed)
    }

    fn pack_optional(records: &[(Option<&str>, &[u8], f64)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (key, value, stamp) in records {
            out.extend_from_slice(&key.map_or(NULL_KEY_LENGTH, |key| key.len() as u32).to_le_bytes());
            out.extend_from_slice(&(value.len() as u32).to_le_bytes());
            out.extend_from_slice(&stamp.to_le_bytes());
            out.extend_from_slice(key.unwrap_or_default().as_bytes());
            out.extend_from_slice(value);
        }
        out
    }

    #[test]
    fn a_null_key_is_not_an_empty_key() {
        let packed = pack_optional(&[(None, b"abc", 1.0), (Some(""), b"de", 2.0), (Some("9"), b"", 3.0)]);
        let all: Vec<_> = PackedRecords::new(&packed, 0, false).unwrap().map(|r| r.unwrap()).collect();
        assert_eq!(all[0].key, None);
        assert_eq!(all[0].value, b"abc");
        assert_eq!(all[1].key, Some(&b""[..]));
        assert_eq!(all[1].value, b"de");
        assert_eq!(all[2].key, Some(&b"9"[..]));
    }

    #[test]
    fn walks_records_and_resumes_from_an_offset() {
        let packed = pack(&[("17", b"abc", 1.5), ("", b"", 2.0), ("123456", &[0u8; 100], 3.0)]);
        let all: Vec<_> = PackedRecords::new(&packed, 0, false).unwrap().map(|r| r.unwrap()).collect();
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].key, Some(&b"17"[..]));
        assert_eq!(all[0].value, b"abc");
        assert_eq!(all[0].intended_send_us, 1.5);
        assert_eq!(all[1].key.map_or(1, <[u8]>::len) + all[1].value.len(), 0);
        assert_eq!(all[2].value.len(), 100);
        let second = RECORD_HEADER_BYTES + 2 + 3;
        let rest: Vec<_> = PackedRecords::new(&packed, second, false).unwrap().map(|r| r.unwrap().intended_send_us).collect();
        assert_eq!(rest, vec![2.0, 3.0]);
    }

    #[test]
    fn a_traced_batch_carries_device_and_sequence_before_the_key() {
        let mut packed = Vec::new();
        packed.extend_from_slice(&2u32.to_le_bytes());
        packed.extend_from_slice(&3u32.to_le_bytes());
        packed.extend_from_slice(&1.5f64.to_le_bytes());
        packed.extend_from_slice(&77u32.to_le_bytes());
        packed.extend_from_slice(&0u32.to_le_bytes());
        packed.extend_from_slice(&9.0f64.to_le_bytes());
        packed.extend_from_slice(b"77abc");
        let all: Vec<_> = PackedRecords::new(&packed, 0, true).unwrap().map(|r| r.unwrap()).collect();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].key, Some(&b"77"[..]));
        assert_eq!(all[0].value, b"abc");
        assert_eq!(all[0].identity, Some((77, 9.0)));
        for cut in 1..packed.len() {
            assert!(PackedRecords::new(&packed[..cut], 0, true).unwrap().next().unwrap().is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn truncated_batches_are_errors_not_panics() {
        let packed = pack(&[("17", b"abc", 1.5)]);
        for cut in 1..packed.len() {
            let mut records = PackedRecords::new(&packed[..cut], 0, false).unwrap();
            assert!(records.next().unwrap().is_err(), "cut at {cut}");
        }
        assert!(PackedRecords::new(&packed, packed.len() + 1, false).is_err());
    }
}
