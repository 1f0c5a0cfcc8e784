//! Key placement computed on our side, so keyed records can be grouped per partition before they
//! reach librdkafka: its partitioner, when it runs per record, takes the topic's partition lookup
//! and a partition reference for every record, where an explicit partition takes them once per group.
//! The placement is librdkafka's `murmur2_random` (and Java's default): murmur2 of the key bytes,
//! sign bit cleared, modulo the partition count. Null keys are left to librdkafka (its sticky
//! partitioner), so unkeyed records go exactly where they went before.

use std::sync::atomic::{AtomicU32, Ordering};

/// RD_KAFKA_PARTITION_UA: let librdkafka's partitioner choose.
pub const UNASSIGNED_PARTITION: i32 = -1;

/// Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2; librdkafka's rd_murmur2): seed
/// 0x9747b28c, little-endian 4-byte blocks, the tail mixed as Java's switch does.
pub fn murmur2(data: &[u8]) -> u32 {
    const SEED: u32 = 0x9747_b28c;
    const M: u32 = 0x5bd1_e995;
    const R: u32 = 24;
    let mut h = SEED ^ data.len() as u32;
    let mut blocks = data.chunks_exact(4);
    for block in &mut blocks {
        let mut k = u32::from_le_bytes([block[0], block[1], block[2], block[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }
    let tail = blocks.remainder();
    if tail.len() >= 3 {
        h ^= (tail[2] as u32) << 16;
    }
    if tail.len() >= 2 {
        h ^= (tail[1] as u32) << 8;
    }
    if !tail.is_empty() {
        h ^= tail[0] as u32;
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h
}

/// The partition murmur2_random gives a (non-null) key among `partitions` (> 0).
#[inline]
pub fn murmur2_partition(key: &[u8], partitions: u32) -> i32 {
    ((murmur2(key) & 0x7fff_ffff) % partitions) as i32
}

/// Where a producer's keyed records go: our murmur2 placement once the topic's partition count is
/// known and the configured partitioner is one whose keyed placement is murmur2 (`murmur2_random`,
/// `murmur2`); librdkafka's partitioner otherwise (another partitioner configured, null keys, or no
/// metadata yet).
pub struct KeyPlacement {
    hash_keys: bool,
    /// 0 until the topic's metadata has been read.
    partitions: AtomicU32,
}

impl KeyPlacement {
    /// `partitioner`: the producer's `partitioner` property as configured (None: librdkafka's
    /// default, consistent_random, whose CRC32 placement stays librdkafka's to compute).
    pub fn new(partitioner: Option<&str>) -> KeyPlacement {
        KeyPlacement { hash_keys: matches!(partitioner, Some("murmur2_random" | "murmur2")), partitions: AtomicU32::new(0) }
    }

    /// The topic's partition count as its metadata last said. A topic grown later keeps the old
    /// placement until the metadata is read again (fetchTopicMetadata).
    pub fn set_partitions(&self, partitions: u32) {
        self.partitions.store(partitions, Ordering::Relaxed);
    }

    /// The partition to enqueue a record with: explicit for a key we can place, UA otherwise.
    #[inline]
    pub fn partition_of(&self, key: Option<&[u8]>) -> i32 {
        let partitions = self.partitions.load(Ordering::Relaxed);
        match key {
            Some(key) if self.hash_keys && partitions > 0 => murmur2_partition(key, partitions),
            _ => UNASSIGNED_PARTITION,
        }
    }
}

/// The order in which to enqueue `partitions.len()` records (their partitions in send order) so
/// that each partition's records are contiguous, partitions ascending (UA first), and records of
/// one partition keep their send order. Written into `order`; no allocation.
pub fn group_by_partition(partitions: &[i32], order: &mut [u64]) {
    // Partition in the high half, send position in the low half: an unstable sort of distinct
    // values is then a stable sort by partition.
    for (index, &partition) in partitions.iter().enumerate() {
        order[index] = (((partition as i64 + 1) as u64) << 32) | index as u64;
    }
    order[..partitions.len()].sort_unstable();
}

/// The send position an entry of `group_by_partition`'s order stands for.
#[inline]
pub fn position_of(entry: u64) -> usize {
    (entry & 0xffff_ffff) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_kafkas_murmur2_vectors() {
        // Apache Kafka's UtilsTest.testMurmur2.
        let vectors: [(&str, i32); 6] = [
            ("21", -973932308),
            ("foobar", -790332482),
            ("a-little-bit-long-string", -985981536),
            ("a-little-bit-longer-string", -1486304829),
            ("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971),
            ("abc", 479470107),
        ];
        for (key, expected) in vectors {
            assert_eq!(murmur2(key.as_bytes()) as i32, expected, "{key}");
        }
    }

    #[test]
    fn places_only_known_keys_under_a_murmur2_partitioner() {
        let placement = KeyPlacement::new(Some("murmur2_random"));
        assert_eq!(placement.partition_of(Some(b"21")), UNASSIGNED_PARTITION, "no metadata yet");
        placement.set_partitions(7);
        assert_eq!(placement.partition_of(Some(b"21")), ((-973932308i32 as u32 & 0x7fff_ffff) % 7) as i32);
        assert_eq!(placement.partition_of(None), UNASSIGNED_PARTITION, "null keys stay sticky");
        let crc = KeyPlacement::new(Some("consistent_random"));
        crc.set_partitions(7);
        assert_eq!(crc.partition_of(Some(b"21")), UNASSIGNED_PARTITION);
        let default = KeyPlacement::new(None);
        default.set_partitions(7);
        assert_eq!(default.partition_of(Some(b"21")), UNASSIGNED_PARTITION);
    }

    #[test]
    fn groups_keep_send_order_within_a_partition() {
        let partitions = [2, 0, 2, UNASSIGNED_PARTITION, 0, 1, 2];
        let mut order = [0u64; 7];
        group_by_partition(&partitions, &mut order);
        let positions: Vec<usize> = order.iter().map(|&entry| position_of(entry)).collect();
        assert_eq!(positions, vec![3, 1, 4, 5, 0, 2, 6]);
    }
}
