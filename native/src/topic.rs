//! A librdkafka topic handle held for the producer's life, so each record is enqueued with
//! rd_kafka_produce on it. rdkafka's BaseRecord path (rd_kafka_producev by topic name) allocates a
//! CString and looks the topic up for every record: ~30% more enqueue time in our measurements.
//! Keyed records carry the partition our own murmur2 placement gives them (partition.rs), so a
//! chunk is enqueued as one call per partition instead of running librdkafka's partitioner per record.

use std::ffi::{c_void, CString};
use std::ptr::NonNull;

use napi::{Error, Result, Status};
use rdkafka::bindings::{
    rd_kafka_error_code, rd_kafka_error_destroy, rd_kafka_last_error, rd_kafka_message_t,
    rd_kafka_produce_batch, rd_kafka_produceva, rd_kafka_t, rd_kafka_topic_destroy, rd_kafka_topic_new,
    rd_kafka_topic_t, rd_kafka_vtype_t, rd_kafka_vu_t, RD_KAFKA_MSG_F_COPY,
};

use crate::partition::{group_by_partition, position_of, KeyPlacement, UNASSIGNED_PARTITION};
use crate::trace::{TRACE_BYTES, TRACE_HEADER_CNAME};
use rdkafka::types::RDKafkaRespErr;
use rdkafka::types::RDKafkaErrorCode;

pub struct TopicHandle {
    rkt: NonNull<rd_kafka_topic_t>,
    /// The producer the handle belongs to (rd_kafka_produceva takes it beside the topic handle).
    rk: NonNull<rd_kafka_t>,
    /// Where keyed records go (explicit partitions), once the topic's partition count is known.
    pub placement: KeyPlacement,
}

// SAFETY: librdkafka topic and producer handles are thread-safe; produce calls may come from any thread.
unsafe impl Send for TopicHandle {}
unsafe impl Sync for TopicHandle {}

impl TopicHandle {
    /// # Safety
    /// `rk` must be a live producer handle that outlives the returned TopicHandle: drop the handle
    /// before the producer (librdkafka's termination order).
    /// `placement`: how keys are placed (see partition.rs); null keys to its sticky partition.
    pub unsafe fn new(rk: *mut rd_kafka_t, topic: &str, placement: KeyPlacement) -> Result<TopicHandle> {
        let name = CString::new(topic)
            .map_err(|_| Error::new(Status::InvalidArg, format!("topic must not contain NUL (got {topic:?})")))?;
        let rk = NonNull::new(rk).ok_or_else(|| Error::new(Status::InvalidArg, "no producer handle".to_owned()))?;
        // No topic config: the producer's default topic config (partitioner, acks…) applies.
        let rkt = unsafe { rd_kafka_topic_new(rk.as_ptr(), name.as_ptr(), std::ptr::null_mut()) };
        NonNull::new(rkt).map(|rkt| TopicHandle { rkt, rk, placement }).ok_or_else(|| {
            let code = RDKafkaErrorCode::from(unsafe { rd_kafka_last_error() });
            Error::new(Status::InvalidArg, format!("librdkafka refused topic {topic:?}: {code}"))
        })
    }
}

impl TopicHandle {
    /// Enqueues one record with its Kafka timestamp (CreateTime, ms) set and, when given, the
    /// `stampede.trace` header; key, value and header copied by librdkafka. One librdkafka call
    /// per record (rd_kafka_produce_batch carries neither timestamps nor headers), a keyed record
    /// with its partition already chosen (our placement), so librdkafka runs no partitioner for it.
    #[inline]
    pub fn produce_stamped(
        &self,
        key: Option<&[u8]>,
        value: &[u8],
        opaque: usize,
        timestamp_ms: i64,
        trace: Option<&[u8; TRACE_BYTES]>,
    ) -> std::result::Result<(), RDKafkaErrorCode> {
        // SAFETY: an all-zero rd_kafka_vu_t is a valid value (vtype END, union zeroed); each is then filled.
        let mut vus: [rd_kafka_vu_t; 8] = unsafe { std::mem::zeroed() };
        let mut count = 0;
        let mut push = |vtype: rd_kafka_vtype_t, fill: &dyn Fn(&mut rd_kafka_vu_t)| {
            vus[count].vtype = vtype;
            fill(&mut vus[count]);
            count += 1;
        };
        push(rd_kafka_vtype_t::RD_KAFKA_VTYPE_RKT, &|vu| vu.u.rkt = self.rkt.as_ptr());
        let partition = self.placement.partition_of(key);
        push(rd_kafka_vtype_t::RD_KAFKA_VTYPE_PARTITION, &|vu| vu.u.i32_ = partition);
        push(rd_kafka_vtype_t::RD_KAFKA_VTYPE_MSGFLAGS, &|vu| vu.u.i = RD_KAFKA_MSG_F_COPY as i32);
        push(rd_kafka_vtype_t::RD_KAFKA_VTYPE_VALUE, &|vu| {
            vu.u.mem.ptr = value.as_ptr() as *mut c_void; // not written: F_COPY copies it
            vu.u.mem.size = value.len();
        });
        if let Some(key) = key {
            push(rd_kafka_vtype_t::RD_KAFKA_VTYPE_KEY, &|vu| {
                vu.u.mem.ptr = key.as_ptr() as *mut c_void;
                vu.u.mem.size = key.len();
            });
        }
        push(rd_kafka_vtype_t::RD_KAFKA_VTYPE_OPAQUE, &|vu| vu.u.ptr = opaque as *mut c_void);
        push(rd_kafka_vtype_t::RD_KAFKA_VTYPE_TIMESTAMP, &|vu| vu.u.i64_ = timestamp_ms);
        if let Some(trace) = trace {
            push(rd_kafka_vtype_t::RD_KAFKA_VTYPE_HEADER, &|vu| {
                vu.u.header.name = TRACE_HEADER_CNAME.as_ptr();
                vu.u.header.val = trace.as_ptr().cast();
                vu.u.header.size = TRACE_BYTES as isize;
            });
        }
        // SAFETY: every pointer in `vus` points at data alive for this call; librdkafka copies it.
        unsafe {
            let error = rd_kafka_produceva(self.rk.as_ptr(), vus.as_ptr(), count);
            if error.is_null() {
                return Ok(());
            }
            let code = RDKafkaErrorCode::from(rd_kafka_error_code(error));
            rd_kafka_error_destroy(error);
            Err(code)
        }
    }
}

/// Records grouped at a time (a whole packed batch at the default --batch of 1000): enough that an
/// rd_kafka_produce_batch call's own costs (two clock reads, the topic lock, the producer-state
/// check) vanish per record, and that each partition's run of a keyed chunk is long. librdkafka
/// allocates a partition's messages in enqueue order, and its broker and delivery-report threads
/// walk them per partition (set offsets, report, free): runs of ~40 records (a chunk of 256 over 6
/// partitions) scattered each partition's messages over memory, which cost keyed records about
/// twice the cache misses of unkeyed ones in those walks, and fragmented malloc's free lists.
pub const ENQUEUE_CHUNK: usize = 1024;

/// Up to ENQUEUE_CHUNK records, as librdkafka's message structs pointing into a packed batch, each
/// with the partition it goes to (UA: librdkafka's partitioner chooses).
pub struct EnqueueChunk {
    messages: [rd_kafka_message_t; ENQUEUE_CHUNK],
    partitions: [i32; ENQUEUE_CHUNK],
    /// True once a record of the chunk has an explicit partition: the chunk then goes per partition.
    placed: bool,
    /// True once two records of the chunk have different partitions: the chunk then needs grouping.
    mixed: bool,
    len: usize,
    /// Scratch for produce_chunk: the records regrouped per partition, and the grouping order.
    grouped: [rd_kafka_message_t; ENQUEUE_CHUNK],
    order: [u64; ENQUEUE_CHUNK],
}

impl EnqueueChunk {
    pub fn new() -> Self {
        // SAFETY: rd_kafka_message_t is a plain C struct; all-zero is a valid (empty) value.
        EnqueueChunk {
            messages: unsafe { std::mem::zeroed() },
            partitions: [UNASSIGNED_PARTITION; ENQUEUE_CHUNK],
            placed: false,
            mixed: false,
            len: 0,
            grouped: unsafe { std::mem::zeroed() },
            order: [0; ENQUEUE_CHUNK],
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn is_full(&self) -> bool {
        self.len == ENQUEUE_CHUNK
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// Adds a record bound for `partition` (UA: librdkafka's partitioner picks, as for a NULL key).
    /// The slices must outlive the next `TopicHandle::produce_chunk`.
    #[inline]
    pub fn push(&mut self, key: Option<&[u8]>, value: &[u8], opaque: usize, partition: i32) {
        self.partitions[self.len] = partition;
        self.placed |= partition != UNASSIGNED_PARTITION;
        self.mixed |= partition != self.partitions[0];
        let message = &mut self.messages[self.len];
        message.payload = value.as_ptr() as *mut c_void; // not written: F_COPY copies it
        message.len = value.len();
        (message.key, message.key_len) = match key {
            Some(key) => (key.as_ptr() as *mut c_void, key.len()),
            None => (std::ptr::null_mut(), 0),
        };
        message._private = opaque as *mut c_void;
        message.err = RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR;
        self.len += 1;
    }

    /// librdkafka's verdict on record `index` of the last produce_chunk: None when enqueued.
    #[inline]
    pub fn error(&self, index: usize) -> Option<RDKafkaErrorCode> {
        match self.messages[index].err {
            RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR => None,
            err => Some(RDKafkaErrorCode::from(err)),
        }
    }

    pub fn clear(&mut self) {
        self.len = 0;
        self.placed = false;
        self.mixed = false;
    }
}

impl Default for EnqueueChunk {
    fn default() -> Self {
        Self::new()
    }
}

impl TopicHandle {
    /// Enqueues the chunk's records, keys and values copied: one rd_kafka_produce_batch call when no
    /// record has an explicit partition, else one call per partition (records of a partition in send
    /// order). Afterwards `chunk.error(i)` tells each record's fate. Once librdkafka's queue is full,
    /// every later record of that call is refused with QueueFull and the partitions not yet tried
    /// are not tried: per partition, the enqueued records are a prefix of its records in the chunk,
    /// so resending the refused ones in send order keeps each key's order.
    pub fn produce_chunk(&self, chunk: &mut EnqueueChunk) {
        if chunk.is_empty() {
            return;
        }
        if !chunk.placed || !chunk.mixed {
            // One partition (a sticky one for null keys, or UA: the partitioner's choice), no
            // grouping needed. SAFETY: the messages point at slices the caller keeps alive for this
            // call; F_COPY means librdkafka keeps no pointer into them afterwards.
            let partition = if chunk.placed { chunk.partitions[0] } else { UNASSIGNED_PARTITION };
            unsafe { self.produce_run(partition, &mut chunk.messages[..chunk.len]) };
            return;
        }
        let len = chunk.len;
        group_by_partition(&chunk.partitions[..len], &mut chunk.order[..len]);
        for (slot, &entry) in chunk.order[..len].iter().enumerate() {
            chunk.grouped[slot] = chunk.messages[position_of(entry)];
        }
        let mut full = false;
        let mut start = 0;
        while start < len {
            let partition = chunk.partitions[position_of(chunk.order[start])];
            let end = (start..len).find(|&slot| chunk.partitions[position_of(chunk.order[slot])] != partition).unwrap_or(len);
            if full {
                for message in &mut chunk.grouped[start..end] {
                    message.err = RDKafkaRespErr::RD_KAFKA_RESP_ERR__QUEUE_FULL;
                }
            } else {
                // SAFETY: as above; `grouped` holds copies of the chunk's message structs.
                unsafe { self.produce_run(partition, &mut chunk.grouped[start..end]) };
                full = chunk.grouped[start..end].iter().any(|message| message.err == RDKafkaRespErr::RD_KAFKA_RESP_ERR__QUEUE_FULL);
            }
            start = end;
        }
        for (slot, &entry) in chunk.order[..len].iter().enumerate() {
            chunk.messages[position_of(entry)].err = chunk.grouped[slot].err;
        }
    }

    /// One rd_kafka_produce_batch call: every message to `partition` (UA: the partitioner's choice).
    ///
    /// # Safety
    /// Each message's key and payload must point at memory alive for the call.
    unsafe fn produce_run(&self, partition: i32, messages: &mut [rd_kafka_message_t]) {
        rd_kafka_produce_batch(self.rkt.as_ptr(), partition, RD_KAFKA_MSG_F_COPY as i32, messages.as_mut_ptr(), messages.len() as i32);
    }
}

impl Drop for TopicHandle {
    fn drop(&mut self) {
        unsafe { rd_kafka_topic_destroy(self.rkt.as_ptr()) };
    }
}
