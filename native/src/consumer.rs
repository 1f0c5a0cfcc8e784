//! `NativeConsumer`: a librdkafka group consumer polled from the calling JS thread (any worker
//! thread, Bun, Deno), one crossing and one packed Buffer per poll batch, no JS value per record.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use napi::bindgen_prelude::Buffer;
use napi::{Error, Result, Status};
use napi_derive::napi;
use rdkafka::bindings as rdsys;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::types::RDKafkaRespErr;

use crate::consumed::{pack_record, packed_len, RecordMeta, TraceRead, TIMESTAMP_CREATE, TIMESTAMP_LOG_APPEND, TIMESTAMP_NONE};
use crate::consumer_handle::Handle;
use crate::trace::{Trace, TRACE_HEADER_CNAME};

/// Records one batch read takes from librdkafka's queue at most before the receive time is read
/// again: records already queued are popped back to back, so a chunk's stamp is read within
/// microseconds of its first record's pop, at one clock read per chunk instead of one per record.
const READ_CHUNK: usize = 256;

/// Where a consumer reads next in one partition.
#[napi(object)]
pub struct PartitionPosition {
    pub partition: i32,
    /// the offset of the next record to read
    pub offset: i64,
}

/// Low and high watermark of one partition: records in [low, high) are on the broker.
#[napi(object)]
pub struct PartitionWatermarks {
    pub topic: String,
    pub partition: i32,
    pub low: i64,
    pub high: i64,
}

/// A Kafka group consumer that hands records over in packed batches (layout: src/consumed.rs).
/// Polled from the thread that owns it; librdkafka's fetching runs on its own threads meanwhile.
#[napi]
pub struct NativeConsumer {
    handle: Option<Handle>,
    topics: Vec<String>,
    /// A fatal error met while a batch already held records: those are returned first, then every
    /// later poll throws this.
    fatal: Option<String>,
    /// The records of the poll in progress, as librdkafka hands them over; empty between polls
    /// (kept for its capacity: no allocation per poll once it has grown).
    taken: Vec<*mut rdsys::rd_kafka_message_t>,
    /// Per chunk read: the index one past its last record in `taken`, and its receive time.
    stamps: Vec<(usize, f64)>,
    /// Each taken record's trace header, read once while sizing the batch.
    traces: Vec<TraceRead>,
}

fn wall_clock_us() -> f64 {
    // A clock set before 1970 would be a broken host; 0 then, rather than a panic.
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |since| since.as_micros() as f64)
}

/// Appends up to `want` messages from the queue to `taken`, waiting up to `timeout_ms` for them
/// all (0: only what is queued now). Rebalances and errors queued among them are served by the
/// handle's callbacks meanwhile. Returns how many it appended.
fn read_into(queue: *mut rdsys::rd_kafka_queue_t, taken: &mut Vec<*mut rdsys::rd_kafka_message_t>, want: usize, timeout_ms: u32) -> usize {
    let start = taken.len();
    taken.reserve(want);
    // SAFETY: the queue is the live consumer queue; librdkafka writes at most `want` pointers into
    // the reserved tail, and set_len covers only the ones it reports.
    unsafe {
        let read = rdsys::rd_kafka_consume_batch_queue(queue, timeout_ms.min(i32::MAX as u32) as i32, taken.as_mut_ptr().add(start), want);
        let read = read.max(0) as usize;
        taken.set_len(start + read);
        read
    }
}

#[napi]
impl NativeConsumer {
    /// `config`: librdkafka consumer properties (`bootstrap.servers` and `group.id` at least);
    /// librdkafka's defaults apply to the rest (auto-commit included), except
    /// `enable.partition.eof`, false unless given. `topics`: subscribed at once (group mode).
    /// Throws InvalidArg naming the property librdkafka rejects.
    #[napi(constructor)]
    pub fn new(config: HashMap<String, String>, topics: Vec<String>) -> Result<Self> {
        if topics.is_empty() {
            return Err(Error::new(Status::InvalidArg, "topics must name at least one topic".to_owned()));
        }
        if let Some(topic) = topics.iter().find(|topic| topic.is_empty() || topic.contains('\0')) {
            return Err(Error::new(Status::InvalidArg, format!("topics must be non-empty names (got {topic:?})")));
        }
        if config.get("group.id").is_none_or(|group| group.is_empty()) {
            return Err(Error::new(
                Status::InvalidArg,
                "consumer property group.id is required: the consumer subscribes as a group member".to_owned(),
            ));
        }
        let mut config = config;
        config.entry("enable.partition.eof".to_owned()).or_insert_with(|| "false".to_owned());
        let handle = Handle::subscribe(&config, &topics)?;
        Ok(NativeConsumer { handle: Some(handle), topics, fatal: None, taken: Vec::new(), stamps: Vec::new(), traces: Vec::new() })
    }

    /// Waits up to `timeoutMs` for a first record, then takes what is immediately available, up to
    /// `maxRecords` in all, through librdkafka's batch read (no clock read, event or allocation per
    /// record on this side). Returns them packed in one Buffer (layout of src/consumed.rs: with each
    /// record's Kafka timestamp and its `stampede.trace` header, decoded, when it has one;
    /// receivedAtUs = a wall-clock read taken after the record, and at most 255 others, were taken
    /// from librdkafka), or null when none arrived. Serves rebalances meanwhile. Errors that are not
    /// fatal (partition EOF, broker down, unknown topic) are skipped and kept for `lastError`; a
    /// fatal one throws with librdkafka's message. Blocks the calling thread.
    #[napi]
    pub fn poll(&mut self, max_records: u32, timeout_ms: u32) -> Result<Option<Buffer>> {
        if let Some(fatal) = &self.fatal {
            return Err(Error::new(Status::GenericFailure, fatal.clone()));
        }
        if max_records == 0 {
            return Err(Error::new(Status::InvalidArg, "maxRecords must be at least 1".to_owned()));
        }
        let handle = self.handle.as_ref().ok_or_else(closed)?;
        let fatal = take_batch(handle, &mut self.taken, &mut self.stamps, max_records as usize, timeout_ms);
        let packed = pack_taken(&self.taken, &self.stamps, &mut self.traces);
        for &message in &self.taken {
            // SAFETY: each taken message is ours until destroyed, once, here.
            unsafe { rdsys::rd_kafka_message_destroy(message) };
        }
        self.taken.clear();
        self.stamps.clear();
        if let Some(fatal) = fatal {
            self.fatal = Some(fatal.clone());
            if packed.is_none() {
                return Err(Error::new(Status::GenericFailure, fatal));
            }
        }
        Ok(packed.map(Buffer::from))
    }

    /// Partitions currently assigned to this member (of every subscribed topic), sorted; empty until
    /// the group has given it some, which happens inside `poll`.
    #[napi]
    pub fn assignment(&self) -> Result<Vec<i32>> {
        let handle = self.handle.as_ref().ok_or_else(closed)?;
        let mut partitions: Vec<i32> = handle.assignment()?.elements().iter().map(|element| element.partition).collect();
        partitions.sort_unstable();
        Ok(partitions)
    }

    /// Records between this member's position and the end of each partition assigned to it, from
    /// the high watermarks its own fetches last brought (librdkafka's cache: no broker round trip,
    /// so it can be asked often). -1 while no assigned partition has both a position and a
    /// watermark yet.
    #[napi]
    pub fn lag(&self) -> Result<f64> {
        let handle = self.handle.as_ref().ok_or_else(closed)?;
        let positions = handle.positions()?;
        let mut lag = 0.0;
        let mut known = false;
        for element in positions.elements() {
            if element.offset < 0 || element.topic.is_null() {
                continue;
            }
            let (mut low, mut high) = (-1i64, -1i64);
            // SAFETY: rk is this consumer's live handle; the topic name belongs to the list, alive
            // for the call; the out-pointers are locals.
            let code = unsafe { rdsys::rd_kafka_get_watermark_offsets(handle.rk(), element.topic, element.partition, &mut low, &mut high) };
            if code == RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR && high >= 0 {
                lag += (high - element.offset).max(0) as f64;
                known = true;
            }
        }
        Ok(if known { lag } else { -1.0 })
    }

    /// The next offset this member reads in each assigned partition it has a position for
    /// (librdkafka's application position, no broker round trip). Unlike the offset after the last
    /// record returned, it moves past transaction markers and aborted records, so a reader of a
    /// transactional topic can tell it has reached the end (`verify` of a `--transactional` run).
    #[napi]
    pub fn positions(&self) -> Result<Vec<PartitionPosition>> {
        let handle = self.handle.as_ref().ok_or_else(closed)?;
        Ok(handle
            .positions()?
            .elements()
            .iter()
            .filter(|element| element.offset >= 0)
            .map(|element| PartitionPosition { partition: element.partition, offset: element.offset })
            .collect())
    }

    /// Low and high watermarks of every partition of every subscribed topic, asked of the
    /// partition leaders (not the assignment): `high` is the offset the next record will get.
    /// Throws when a topic is unknown or no answer comes within `timeoutMs` in all.
    #[napi]
    pub fn end_offsets(&self, timeout_ms: u32) -> Result<Vec<PartitionWatermarks>> {
        let client = self.handle.as_ref().ok_or_else(closed)?.client();
        let started = Instant::now();
        let timeout = Duration::from_millis(timeout_ms.into());
        let remaining = || timeout.saturating_sub(started.elapsed());
        let mut watermarks = Vec::new();
        for topic in &self.topics {
            let metadata = client.fetch_metadata(Some(topic), remaining()).map_err(|error| {
                Error::new(Status::GenericFailure, format!("no metadata for topic {topic} within {timeout_ms} ms: {error}"))
            })?;
            let Some(found) = metadata.topics().iter().find(|found| found.name() == topic) else {
                return Err(Error::new(Status::GenericFailure, format!("topic {topic} is not in the cluster's metadata")));
            };
            if let Some(error) = found.error() {
                let code = RDKafkaErrorCode::from(error);
                return Err(Error::new(Status::GenericFailure, format!("topic {topic}: {code}")));
            }
            let mut partitions: Vec<i32> = found.partitions().iter().map(|partition| partition.id()).collect();
            partitions.sort_unstable();
            for partition in partitions {
                let (low, high) = client.fetch_watermarks(topic, partition, remaining()).map_err(|error| {
                    Error::new(Status::GenericFailure, format!("no watermarks for {topic}/{partition} within {timeout_ms} ms: {error}"))
                })?;
                watermarks.push(PartitionWatermarks { topic: topic.clone(), partition, low, high });
            }
        }
        Ok(watermarks)
    }

    /// Pauses fetching from every partition assigned to this member now (librdkafka
    /// rd_kafka_pause_partitions: records already fetched are dropped and fetched again from the
    /// position on resume). The member stays in the group as long as it goes on calling `poll`.
    /// Partitions a later rebalance assigns are not paused: call again. Returns how many it paused.
    #[napi]
    pub fn pause(&self) -> Result<u32> {
        self.pause_or_resume(true)
    }

    /// Resumes fetching from every partition assigned to this member. Returns how many.
    #[napi]
    pub fn resume(&self) -> Result<u32> {
        self.pause_or_resume(false)
    }

    fn pause_or_resume(&self, pause: bool) -> Result<u32> {
        let handle = self.handle.as_ref().ok_or_else(closed)?;
        let assignment = handle.assignment()?;
        // SAFETY: rk is live; the list is ours and outlives the call.
        let code = unsafe { if pause { rdsys::rd_kafka_pause_partitions(handle.rk(), assignment.ptr) } else { rdsys::rd_kafka_resume_partitions(handle.rk(), assignment.ptr) } };
        if code != RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR {
            let verb = if pause { "pause" } else { "resume" };
            return Err(Error::new(Status::GenericFailure, format!("could not {verb} the partitions: {}", KafkaError::Global(code.into()))));
        }
        Ok(assignment.elements().len() as u32)
    }

    /// CPU time (µs, user + system) librdkafka's own threads of this consumer have used so far: its
    /// main, broker and internal threads, fetching and parsing what `poll` hands over (the polling
    /// thread's own time is the caller's threadCpuMicros). -1 where thread CPU clocks are missing.
    #[napi]
    pub fn librdkafka_cpu_micros(&self) -> Result<f64> {
        Ok(self.handle.as_ref().ok_or_else(closed)?.librdkafka_cpu_micros())
    }

    /// librdkafka's last error (an error event or a consumer error skipped by `poll`), for the
    /// message of a timeout; null when there was none.
    #[napi(getter)]
    pub fn last_error(&self) -> Option<String> {
        self.handle.as_ref().and_then(|handle| handle.watcher().last_error())
    }

    /// Leaves the group and destroys the consumer: rebalance revocation served on this thread,
    /// offsets committed if auto-commit is on (librdkafka's default), every librdkafka thread
    /// joined. Idempotent; the finalizer does the same if close() was never called.
    #[napi]
    pub fn close(&mut self) {
        drop(self.handle.take());
    }
}

/// Fills `taken` for one poll: waits up to `timeout_ms` for a first record unless some are queued
/// already, then takes what is queued, chunk by chunk, up to `max`; one receive time per chunk
/// into `stamps`. Error messages are dropped from `taken` as they come (`sift`). Returns the fatal
/// error that ended the read, if one did.
fn take_batch(handle: &Handle, taken: &mut Vec<*mut rdsys::rd_kafka_message_t>, stamps: &mut Vec<(usize, f64)>, max: usize, timeout_ms: u32) -> Option<String> {
    let queue = handle.queue();
    let mut fatal = None;
    let mut take = |taken: &mut Vec<*mut rdsys::rd_kafka_message_t>, want: usize, wait_ms: u32, fatal: &mut Option<String>| -> usize {
        let from = taken.len();
        let read = read_into(queue, taken, want, wait_ms);
        if read > 0 {
            // Read after the chunk's last pop: a stamp can be late (a thread taken off its core),
            // never earlier than a record's arrival.
            let now_us = wall_clock_us();
            *fatal = sift(handle, taken, from);
            stamps.push((taken.len(), now_us));
        }
        read
    };
    let first_want = max.min(READ_CHUNK);
    let first = take(taken, first_want, 0, &mut fatal);
    if taken.is_empty() && fatal.is_none() {
        let started = Instant::now();
        let timeout = Duration::from_millis(timeout_ms.into());
        while taken.is_empty() && fatal.is_none() {
            let remaining = timeout.saturating_sub(started.elapsed());
            if remaining.is_zero() {
                break;
            }
            take(taken, 1, remaining.as_millis().max(1) as u32, &mut fatal);
        }
    } else if first < first_want {
        // The queue ran dry within the first chunk: nothing more to take now.
        return fatal;
    }
    while !taken.is_empty() && fatal.is_none() && taken.len() < max {
        let want = (max - taken.len()).min(READ_CHUNK);
        if take(taken, want, 0, &mut fatal) < want {
            break;
        }
    }
    fatal
}

/// Drops the error messages among `taken[from..]` (destroyed here), keeping records in order.
/// A partition EOF is skipped; another error is kept for `lastError` (once: an error event may
/// have brought it already); a fatal one is returned, with librdkafka's reason.
fn sift(handle: &Handle, taken: &mut Vec<*mut rdsys::rd_kafka_message_t>, from: usize) -> Option<String> {
    let mut fatal = None;
    let mut kept = from;
    for at in from..taken.len() {
        let message = taken[at];
        // SAFETY: a message librdkafka handed over, ours until destroyed.
        let code = unsafe { (*message).err };
        if code == RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR {
            taken[kept] = message;
            kept += 1;
            continue;
        }
        if code == RDKafkaRespErr::RD_KAFKA_RESP_ERR__FATAL {
            fatal = Some(format!("fatal consumer error: {}", fatal_reason(handle).unwrap_or_else(|| message_error(message))));
        } else if code != RDKafkaRespErr::RD_KAFKA_RESP_ERR__PARTITION_EOF {
            let code_text = RDKafkaErrorCode::from(code).to_string();
            if !handle.watcher().last_error().is_some_and(|last| last.contains(&code_text)) {
                handle.watcher().remember_error(message_error(message));
            }
        }
        // SAFETY: destroyed once; it is no longer in `taken`'s kept prefix.
        unsafe { rdsys::rd_kafka_message_destroy(message) };
    }
    taken.truncate(kept);
    fatal
}

/// librdkafka's fatal error text, when one was raised.
fn fatal_reason(handle: &Handle) -> Option<String> {
    let mut buffer = [0 as std::ffi::c_char; 512];
    // SAFETY: rk is live; librdkafka writes a NUL-terminated string of at most the buffer's size.
    let code = unsafe { rdsys::rd_kafka_fatal_error(handle.rk(), buffer.as_mut_ptr(), buffer.len()) };
    if code == RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR {
        return None;
    }
    // SAFETY: NUL-terminated by librdkafka within the buffer.
    let reason = unsafe { std::ffi::CStr::from_ptr(buffer.as_ptr()) }.to_string_lossy().into_owned();
    Some(format!("{}: {reason}", RDKafkaErrorCode::from(code)))
}

/// "Message consumption error: <code>: <librdkafka's text>" for an error message.
fn message_error(message: *mut rdsys::rd_kafka_message_t) -> String {
    // SAFETY: a live error message; its error string (when any) is NUL-terminated and read here only.
    unsafe {
        let error = KafkaError::MessageConsumption(RDKafkaErrorCode::from((*message).err));
        let text = rdsys::rd_kafka_message_errstr(message);
        let text = if text.is_null() { String::new() } else { std::ffi::CStr::from_ptr(text).to_string_lossy().trim().to_owned() };
        if text.is_empty() { error.to_string() } else { format!("{error}: {text}") }
    }
}

/// Packs the taken records into one exactly-sized buffer (layout of consumed.rs); None when none.
fn pack_taken(taken: &[*mut rdsys::rd_kafka_message_t], stamps: &[(usize, f64)], traces: &mut Vec<TraceRead>) -> Option<Vec<u8>> {
    if taken.is_empty() {
        return None;
    }
    traces.clear();
    let mut total = 0;
    for &message in taken {
        let trace = trace_of(message);
        let (key, value) = key_and_value(message);
        total += packed_len(key, value, &trace);
        traces.push(trace);
    }
    let mut packed = Vec::with_capacity(total);
    let mut stamp = 0;
    for (at, (&message, trace)) in taken.iter().zip(traces.iter()).enumerate() {
        while stamps[stamp].0 <= at {
            stamp += 1;
        }
        let (key, value) = key_and_value(message);
        pack_record(&mut packed, key, value, &meta_of(message, stamps[stamp].1, *trace));
    }
    Some(packed)
}

/// Partition, offset, the Kafka timestamp and the record trace of a consumed record.
fn meta_of(message: *mut rdsys::rd_kafka_message_t, received_at_us: f64, trace: TraceRead) -> RecordMeta {
    let mut kind = rdsys::rd_kafka_timestamp_type_t::RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
    // SAFETY: a live record message; librdkafka reads its own fields.
    let (timestamp, partition, offset) = unsafe { (rdsys::rd_kafka_message_timestamp(message, &mut kind), (*message).partition, (*message).offset) };
    let (timestamp_type, timestamp_ms) = match kind {
        rdsys::rd_kafka_timestamp_type_t::RD_KAFKA_TIMESTAMP_CREATE_TIME => (TIMESTAMP_CREATE, timestamp),
        rdsys::rd_kafka_timestamp_type_t::RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME => (TIMESTAMP_LOG_APPEND, timestamp),
        _ => (TIMESTAMP_NONE, -1),
    };
    RecordMeta { partition, offset, received_at_us, timestamp_type, timestamp_ms, trace }
}

/// The record's last `stampede.trace` header, decoded. librdkafka parses a record's headers only
/// when asked (here), and a record without any answers at once.
fn trace_of(message: *mut rdsys::rd_kafka_message_t) -> TraceRead {
    let mut headers: *mut rdsys::rd_kafka_headers_t = std::ptr::null_mut();
    let mut value: *const std::ffi::c_void = std::ptr::null();
    let mut size: usize = 0;
    // SAFETY: the message is alive for this call; the header list and the value it points at
    // belong to the message (not freed here) and are only read before returning.
    unsafe {
        if rdsys::rd_kafka_message_headers(message, &mut headers) != RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR {
            return TraceRead::Absent;
        }
        if rdsys::rd_kafka_header_get_last(headers, TRACE_HEADER_CNAME.as_ptr(), &mut value, &mut size) != RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR {
            return TraceRead::Absent;
        }
        if value.is_null() {
            return TraceRead::Unreadable;
        }
        let bytes = std::slice::from_raw_parts(value.cast::<u8>(), size);
        Trace::decode(bytes).map_or(TraceRead::Unreadable, TraceRead::Present)
    }
}

/// Key and value of a live record message, borrowed from it; a null key or value packs as 0 bytes.
fn key_and_value<'m>(message: *mut rdsys::rd_kafka_message_t) -> (&'m [u8], &'m [u8]) {
    // SAFETY: the caller keeps the message alive while the slices are used (until it is destroyed
    // after packing); librdkafka's key and payload pointers hold key_len and len bytes.
    unsafe {
        let raw = &*message;
        let key = if raw.key.is_null() { &[][..] } else { std::slice::from_raw_parts(raw.key.cast::<u8>(), raw.key_len) };
        let value = if raw.payload.is_null() { &[][..] } else { std::slice::from_raw_parts(raw.payload.cast::<u8>(), raw.len) };
        (key, value)
    }
}

fn closed() -> Error {
    Error::new(Status::GenericFailure, "the consumer is closed".to_owned())
}

impl Drop for NativeConsumer {
    fn drop(&mut self) {
        self.close();
    }
}
