//! Key placement computed on our side, so keyed records can be grouped per partition before they
//! reach librdkafka: its partitioner, when it runs per record, takes the topic's partition lookup
//! and a partition reference for every record, where an explicit partition takes them once per group.
//! The placement is librdkafka's `murmur2_random` (and Java's default): murmur2 of the key bytes,
//! sign bit cleared, modulo the partition count. Null keys get a sticky partition chosen here the
//! way librdkafka's sticky partitioner chooses it (one random partition for
//! `sticky.partitioning.linger.ms`, then another), so an unkeyed chunk is one explicit-partition
//! call too: librdkafka's partitioner, per record, takes a partition lookup, the partition's lock
//! and a clock read (its sticky interval) — about a fifth of the enqueueing thread's time.

use std::sync::atomic::{AtomicI32, AtomicU32, AtomicU64, Ordering};

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

/// Where a producer's records go: keyed ones by our murmur2 placement once the topic's partition
/// count is known and the configured partitioner is one whose keyed placement is murmur2
/// (`murmur2_random`, `murmur2`); null keys to our sticky partition wherever librdkafka's sticky
/// partitioner would place them (rdkafka_topic.c: `sticky.partitioning.linger.ms` > 0 and a
/// partitioner other than `consistent`, `murmur2` and `fnv1a`, which hash the null key to one
/// partition); librdkafka's partitioner otherwise (another partitioner's keys, or no metadata yet).
/// Unlike librdkafka's, our sticky choice does not skip a partition without a leader: its records
/// wait for one, as keyed records do.
pub struct KeyPlacement {
    hash_keys: bool,
    /// How long null keys stay on one partition (ns); None: librdkafka places null keys.
    sticky_ns: Option<u64>,
    /// 0 until the topic's metadata has been read.
    partitions: AtomicU32,
    /// The null keys' current partition (UA until the first `advance_sticky` after metadata).
    sticky_partition: AtomicI32,
    /// When (producer stamp, ns) the null keys move to another partition; xorshift state beside it.
    sticky_until_ns: AtomicU64,
    random: AtomicU64,
}

impl KeyPlacement {
    /// `partitioner`: the producer's `partitioner` property as configured (None: librdkafka's
    /// default, consistent_random, whose CRC32 placement of keys stays librdkafka's to compute).
    /// `sticky_linger_ms` and `linger_ms`: its `sticky.partitioning.linger.ms` and `linger.ms` as
    /// configured; librdkafka's default for the first is twice the second (default 5), at most
    /// 900000. A value we cannot read leaves null keys to librdkafka.
    pub fn new(partitioner: Option<&str>, sticky_linger_ms: Option<&str>, linger_ms: Option<&str>) -> KeyPlacement {
        let sticky_nulls = !matches!(partitioner, Some("consistent" | "murmur2" | "fnv1a"));
        let sticky_ms = match sticky_linger_ms {
            Some(value) => value.trim().parse::<f64>().ok(),
            None => linger_ms.map_or(Some(5.0), |value| value.trim().parse::<f64>().ok()).map(|linger| (2.0 * linger).min(900_000.0)),
        };
        // librdkafka keeps the sticky interval in whole ms (an int): 0.4 ms is 0, not sticky.
        let sticky_ns = sticky_ms.map(f64::trunc).filter(|&ms| sticky_nulls && ms >= 1.0).map(|ms| ms as u64 * 1_000_000);
        let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |since| since.as_nanos() as u64) | 1;
        KeyPlacement {
            hash_keys: matches!(partitioner, Some("murmur2_random" | "murmur2")),
            sticky_ns,
            partitions: AtomicU32::new(0),
            sticky_partition: AtomicI32::new(UNASSIGNED_PARTITION),
            sticky_until_ns: AtomicU64::new(0),
            random: AtomicU64::new(seed),
        }
    }

    /// Moves null keys to a new random partition once the current one has had its linger time;
    /// `now_ns` is the producer's stamp (one clock read per batch, not per record).
    #[inline]
    pub fn advance_sticky(&self, now_ns: u64) {
        let Some(linger_ns) = self.sticky_ns else { return };
        let partitions = self.partitions.load(Ordering::Relaxed);
        if partitions == 0 || now_ns < self.sticky_until_ns.load(Ordering::Relaxed) {
            return;
        }
        let mut state = self.random.load(Ordering::Relaxed);
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        self.random.store(state, Ordering::Relaxed);
        self.sticky_partition.store((state % partitions as u64) as i32, Ordering::Relaxed);
        self.sticky_until_ns.store(now_ns + linger_ns, Ordering::Relaxed);
    }

    /// The topic's partition count as its metadata last said. A topic grown later keeps the old
    /// placement until the metadata is read again (fetchTopicMetadata).
    pub fn set_partitions(&self, partitions: u32) {
        self.partitions.store(partitions, Ordering::Relaxed);
        // A sticky partition of an older count could be out of range: choose again at once.
        self.sticky_partition.store(UNASSIGNED_PARTITION, Ordering::Relaxed);
        self.sticky_until_ns.store(0, Ordering::Relaxed);
    }

    /// The partition to enqueue a record with: explicit for a key we can place and for a null key
    /// once a sticky partition is chosen, UA otherwise.
    #[inline]
    pub fn partition_of(&self, key: Option<&[u8]>) -> i32 {
        match key {
            Some(key) if self.hash_keys => match self.partitions.load(Ordering::Relaxed) {
                0 => UNASSIGNED_PARTITION,
                partitions => murmur2_partition(key, partitions),
            },
            Some(_) => UNASSIGNED_PARTITION,
            None => self.sticky_partition.load(Ordering::Relaxed),
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
        let placement = KeyPlacement::new(Some("murmur2_random"), None, None);
        assert_eq!(placement.partition_of(Some(b"21")), UNASSIGNED_PARTITION, "no metadata yet");
        placement.set_partitions(7);
        assert_eq!(placement.partition_of(Some(b"21")), ((-973932308i32 as u32 & 0x7fff_ffff) % 7) as i32);
        let crc = KeyPlacement::new(Some("consistent_random"), None, None);
        crc.set_partitions(7);
        assert_eq!(crc.partition_of(Some(b"21")), UNASSIGNED_PARTITION);
        let default = KeyPlacement::new(None, None, None);
        default.set_partitions(7);
        assert_eq!(default.partition_of(Some(b"21")), UNASSIGNED_PARTITION);
    }

    #[test]
    fn null_keys_stick_to_one_partition_for_the_linger_time() {
        let placement = KeyPlacement::new(Some("murmur2_random"), None, Some("2.5"));
        placement.advance_sticky(0);
        assert_eq!(placement.partition_of(None), UNASSIGNED_PARTITION, "no metadata yet");
        placement.set_partitions(4);
        let mut seen = std::collections::HashSet::new();
        for step in 0..400u64 {
            let now_ns = step * 1_000_000; // one batch per ms
            let before = placement.partition_of(None);
            placement.advance_sticky(now_ns);
            let chosen = placement.partition_of(None);
            assert!((0..4).contains(&chosen));
            if step % 5 != 0 {
                assert_eq!(chosen, before, "moved before 5 ms at step {step}");
            }
            seen.insert(chosen);
        }
        assert_eq!(seen.len(), 4, "every partition gets its turn");
    }

    #[test]
    fn null_keys_stay_librdkafkas_where_it_would_not_stick() {
        let cases = [(Some("murmur2"), None, None), (Some("consistent"), None, None), (Some("fnv1a"), None, None), (None, Some("0"), None), (Some("murmur2_random"), None, Some("0")), (None, None, Some("0.4"))];
        for (partitioner, sticky, linger) in cases {
            let placement = KeyPlacement::new(partitioner, sticky, linger);
            placement.set_partitions(4);
            placement.advance_sticky(1);
            assert_eq!(placement.partition_of(None), UNASSIGNED_PARTITION, "{partitioner:?} {sticky:?} {linger:?}");
        }
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
