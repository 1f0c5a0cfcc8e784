//! `NativeConsumer`: a librdkafka group consumer polled from the calling JS thread (any worker
//! thread, Bun, Deno), one crossing and one packed Buffer per poll batch, no JS value per record.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use napi::bindgen_prelude::Buffer;
use napi::{Error, Result, Status};
use napi_derive::napi;
use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext};
use rdkafka::error::KafkaError;
use rdkafka::message::{BorrowedMessage, Message};
use rdkafka::ClientConfig;
use rdkafka::ClientContext;

use crate::consumed::{pack_record, packed_len, RecordMeta, TraceRead, TIMESTAMP_CREATE, TIMESTAMP_LOG_APPEND, TIMESTAMP_NONE};
use crate::trace::{Trace, TRACE_HEADER_CNAME};

/// Consecutive empty polls (zero timeout) that end a batch once it holds a record: an empty poll
/// may also be one that served a rebalance or log event with records still queued behind it.
const EMPTY_POLLS_TO_END_BATCH: u32 = 2;

/// The consumer's context: remembers librdkafka's last error event for `lastError`.
pub struct Watcher {
    last_error: Mutex<Option<String>>,
}

impl Watcher {
    fn remember_error(&self, message: String) {
        if let Ok(mut last) = self.last_error.lock() {
            *last = Some(message);
        }
    }

    fn last_error(&self) -> Option<String> {
        self.last_error.lock().ok().and_then(|last| last.clone())
    }
}

impl ClientContext for Watcher {
    /// Error events (broker down, unknown topic, fatal errors) with librdkafka's own message. They
    /// come through here before `poll` sees them as results.
    fn error(&self, error: KafkaError, reason: &str) {
        self.remember_error(format!("{error}: {reason}"));
    }
}

// Default rebalance handling: assign/unassign (incremental under cooperative-sticky or KIP-848),
// run on the thread that polls, i.e. inside `poll`.
impl ConsumerContext for Watcher {}

/// Low and high watermark of one partition: records in [low, high) are on the broker.
/// Where a consumer reads next in one partition.
#[napi(object)]
pub struct PartitionPosition {
    pub partition: i32,
    /// the offset of the next record to read
    pub offset: i64,
}

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
    consumer: Option<BaseConsumer<Watcher>>,
    topics: Vec<String>,
    /// A fatal error met while a batch already held records: those are returned first, then every
    /// later poll throws this.
    fatal: Option<String>,
}

/// Records popped back to back that share one wall-clock read as their receive time.
const RESTAMP_EVERY: usize = 64;

/// Gives the records taken since `from` one receive time, read now: after the last of them was
/// popped, so a thread descheduled mid-run can only make the stamp later (as late as the batch
/// reaches JavaScript anyway), never earlier than a record's arrival. A read before the pops would
/// under-read, and a record produced while the thread was off its core would show below zero.
fn stamp_since(taken: &mut [(BorrowedMessage<'_>, f64)], from: usize) {
    if from < taken.len() {
        let now_us = wall_clock_us();
        for entry in &mut taken[from..] {
            entry.1 = now_us;
        }
    }
}

fn wall_clock_us() -> f64 {
    // A clock set before 1970 would be a broken host; 0 then, rather than a panic.
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |since| since.as_micros() as f64)
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
        let mut client_config = ClientConfig::new();
        for (key, value) in &config {
            client_config.set(key, value);
        }
        if !config.contains_key("enable.partition.eof") {
            client_config.set("enable.partition.eof", "false");
        }
        let watcher = Watcher { last_error: Mutex::new(None) };
        let consumer: BaseConsumer<Watcher> =
            client_config.create_with_context(watcher).map_err(|error| match error {
                KafkaError::ClientConfig(_, reason, key, value) => Error::new(
                    Status::InvalidArg,
                    format!("consumer property {key}={value} rejected: {}", reason.trim()),
                ),
                other => Error::new(Status::InvalidArg, format!("librdkafka could not create the consumer: {other}")),
            })?;
        let names: Vec<&str> = topics.iter().map(String::as_str).collect();
        consumer.subscribe(&names).map_err(|error| {
            Error::new(Status::InvalidArg, format!("could not subscribe to {}: {error}", topics.join(", ")))
        })?;
        Ok(NativeConsumer { consumer: Some(consumer), topics, fatal: None })
    }

    /// Waits up to `timeoutMs` for a first record, then takes what is immediately available, up to
    /// `maxRecords` in all. Returns them packed in one Buffer (layout of src/consumed.rs: with each
    /// record's Kafka timestamp and its `stampede.trace` header, decoded, when it has one;
    /// receivedAtUs = a wall-clock read taken after the record, and at most 63 others, were popped
    /// from librdkafka), or null when none
    /// arrived. Serves rebalances meanwhile. Errors that are not fatal (partition EOF, broker down,
    /// unknown topic) are skipped and kept for `lastError`; a fatal one throws with librdkafka's
    /// message. Blocks the calling thread.
    #[napi]
    pub fn poll(&mut self, max_records: u32, timeout_ms: u32) -> Result<Option<Buffer>> {
        if let Some(fatal) = &self.fatal {
            return Err(Error::new(Status::GenericFailure, fatal.clone()));
        }
        if max_records == 0 {
            return Err(Error::new(Status::InvalidArg, "maxRecords must be at least 1".to_owned()));
        }
        let consumer = self.consumer.as_ref().ok_or_else(closed)?;
        let started = Instant::now();
        let timeout = Duration::from_millis(timeout_ms.into());
        let max = max_records as usize;
        let mut taken: Vec<(BorrowedMessage<'_>, f64)> = Vec::new();
        let mut empty_polls = 0;
        let mut fatal = None;
        // Index of the first record not yet stamped.
        let mut unstamped = 0usize;
        while taken.len() < max {
            let wait = if taken.is_empty() { timeout.saturating_sub(started.elapsed()) } else { Duration::ZERO };
            match consumer.poll(wait) {
                Some(Ok(message)) => {
                    // One wall-clock read per RESTAMP_EVERY records popped back to back (already in
                    // librdkafka's queue, so taken within microseconds), not one per record.
                    taken.push((message, 0.0));
                    if taken.len() - unstamped == RESTAMP_EVERY {
                        stamp_since(&mut taken, unstamped);
                        unstamped = taken.len();
                    }
                    empty_polls = 0;
                    continue;
                }
                Some(Err(KafkaError::PartitionEOF(_))) => {}
                Some(Err(KafkaError::MessageConsumptionFatal(code))) => {
                    let reason = consumer.context().last_error().unwrap_or_else(|| code.to_string());
                    fatal = Some(format!("fatal consumer error: {reason}"));
                    break;
                }
                // Skipped. When it came as an error event the context already holds it with
                // librdkafka's reason; an error carried by a message has only its code.
                Some(Err(error)) => {
                    let known = match (&error, consumer.context().last_error()) {
                        (KafkaError::MessageConsumption(code), Some(last)) => last.contains(&code.to_string()),
                        _ => false,
                    };
                    if !known {
                        consumer.context().remember_error(error.to_string());
                    }
                }
                None => {
                    // The next record arrives after a wait: those before it get their stamp now.
                    stamp_since(&mut taken, unstamped);
                    unstamped = taken.len();
                    if !taken.is_empty() {
                        empty_polls += 1;
                        if empty_polls >= EMPTY_POLLS_TO_END_BATCH {
                            break;
                        }
                    }
                }
            }
            if taken.is_empty() && started.elapsed() >= timeout {
                break;
            }
        }
        stamp_since(&mut taken, unstamped);
        if let Some(fatal) = fatal {
            if taken.is_empty() {
                self.fatal = Some(fatal.clone());
                return Err(Error::new(Status::GenericFailure, fatal));
            }
            self.fatal = Some(fatal);
        }
        if taken.is_empty() {
            return Ok(None);
        }
        // Sized exactly first, so the Buffer is one allocation of the batch's bytes.
        let metas: Vec<RecordMeta> = taken.iter().map(|(message, received_at_us)| meta_of(message, *received_at_us)).collect();
        let total = taken
            .iter()
            .zip(&metas)
            .map(|((message, _), meta)| {
                let (key, value) = key_and_value(message);
                packed_len(key, value, &meta.trace)
            })
            .sum();
        let mut packed = Vec::with_capacity(total);
        for ((message, _), meta) in taken.iter().zip(&metas) {
            let (key, value) = key_and_value(message);
            pack_record(&mut packed, key, value, meta);
        }
        Ok(Some(packed.into()))
    }

    /// Partitions currently assigned to this member (of every subscribed topic), sorted; empty until
    /// the group has given it some, which happens inside `poll`.
    #[napi]
    pub fn assignment(&self) -> Result<Vec<i32>> {
        let consumer = self.consumer.as_ref().ok_or_else(closed)?;
        let assignment = consumer
            .assignment()
            .map_err(|error| Error::new(Status::GenericFailure, format!("could not read the assignment: {error}")))?;
        let mut partitions: Vec<i32> = assignment.elements().iter().map(|element| element.partition()).collect();
        partitions.sort_unstable();
        Ok(partitions)
    }

    /// Records between this member's position and the end of each partition assigned to it, from
    /// the high watermarks its own fetches last brought (librdkafka's cache: no broker round trip,
    /// so it can be asked often). -1 while no assigned partition has both a position and a
    /// watermark yet.
    #[napi]
    pub fn lag(&self) -> Result<f64> {
        let consumer = self.consumer.as_ref().ok_or_else(closed)?;
        let positions = consumer
            .position()
            .map_err(|error| Error::new(Status::GenericFailure, format!("could not read the positions: {error}")))?;
        let rk = consumer.client().native_ptr();
        let mut lag = 0.0;
        let mut known = false;
        for element in positions.elements() {
            let rdkafka::Offset::Offset(position) = element.offset() else { continue };
            let Ok(topic) = std::ffi::CString::new(element.topic()) else { continue };
            let (mut low, mut high) = (-1i64, -1i64);
            // SAFETY: rk is this consumer's live handle; the out-pointers are locals.
            let code = unsafe { rdkafka::bindings::rd_kafka_get_watermark_offsets(rk, topic.as_ptr(), element.partition(), &mut low, &mut high) };
            if code == rdkafka::types::RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR && high >= 0 {
                lag += (high - position).max(0) as f64;
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
        let consumer = self.consumer.as_ref().ok_or_else(closed)?;
        let positions = consumer
            .position()
            .map_err(|error| Error::new(Status::GenericFailure, format!("could not read the positions: {error}")))?;
        Ok(positions
            .elements()
            .iter()
            .filter_map(|element| match element.offset() {
                rdkafka::Offset::Offset(offset) => Some(PartitionPosition { partition: element.partition(), offset }),
                _ => None,
            })
            .collect())
    }

    /// Low and high watermarks of every partition of every subscribed topic, asked of the
    /// partition leaders (not the assignment): `high` is the offset the next record will get.
    /// Throws when a topic is unknown or no answer comes within `timeoutMs` in all.
    #[napi]
    pub fn end_offsets(&self, timeout_ms: u32) -> Result<Vec<PartitionWatermarks>> {
        let consumer = self.consumer.as_ref().ok_or_else(closed)?;
        let started = Instant::now();
        let timeout = Duration::from_millis(timeout_ms.into());
        let remaining = || timeout.saturating_sub(started.elapsed());
        let mut watermarks = Vec::new();
        for topic in &self.topics {
            let metadata = consumer.fetch_metadata(Some(topic), remaining()).map_err(|error| {
                Error::new(
                    Status::GenericFailure,
                    format!("no metadata for topic {topic} within {timeout_ms} ms: {error}"),
                )
            })?;
            let Some(found) = metadata.topics().iter().find(|found| found.name() == topic) else {
                return Err(Error::new(
                    Status::GenericFailure,
                    format!("topic {topic} is not in the cluster's metadata"),
                ));
            };
            if let Some(error) = found.error() {
                let code = rdkafka::error::RDKafkaErrorCode::from(error);
                return Err(Error::new(Status::GenericFailure, format!("topic {topic}: {code}")));
            }
            let mut partitions: Vec<i32> = found.partitions().iter().map(|partition| partition.id()).collect();
            partitions.sort_unstable();
            for partition in partitions {
                let (low, high) = consumer.fetch_watermarks(topic, partition, remaining()).map_err(|error| {
                    Error::new(
                        Status::GenericFailure,
                        format!("no watermarks for {topic}/{partition} within {timeout_ms} ms: {error}"),
                    )
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
        let consumer = self.consumer.as_ref().ok_or_else(closed)?;
        let assignment = consumer
            .assignment()
            .map_err(|error| Error::new(Status::GenericFailure, format!("could not read the assignment: {error}")))?;
        let outcome = if pause { consumer.pause(&assignment) } else { consumer.resume(&assignment) };
        outcome.map_err(|error| Error::new(Status::GenericFailure, format!("could not {} the partitions: {error}", if pause { "pause" } else { "resume" })))?;
        Ok(assignment.count() as u32)
    }

    /// librdkafka's last error (an error event or a consumer error skipped by `poll`), for the
    /// message of a timeout; null when there was none.
    #[napi(getter)]
    pub fn last_error(&self) -> Option<String> {
        self.consumer.as_ref().and_then(|consumer| consumer.context().last_error())
    }

    /// Leaves the group and destroys the consumer: rebalance revocation served on this thread,
    /// offsets committed if auto-commit is on (librdkafka's default), every librdkafka thread
    /// joined. Idempotent; the finalizer does the same if close() was never called.
    #[napi]
    pub fn close(&mut self) {
        // BaseConsumer's Drop closes the consumer queue and polls it until librdkafka says the
        // consumer is closed (LeaveGroup sent), then rd_kafka_destroy joins librdkafka's threads.
        drop(self.consumer.take());
    }
}

/// Partition, offset, the Kafka timestamp and the record trace of a consumed record.
fn meta_of(message: &BorrowedMessage<'_>, received_at_us: f64) -> RecordMeta {
    let (timestamp_type, timestamp_ms) = match message.timestamp() {
        rdkafka::Timestamp::CreateTime(ms) => (TIMESTAMP_CREATE, ms),
        rdkafka::Timestamp::LogAppendTime(ms) => (TIMESTAMP_LOG_APPEND, ms),
        rdkafka::Timestamp::NotAvailable => (TIMESTAMP_NONE, -1),
    };
    RecordMeta { partition: message.partition(), offset: message.offset(), received_at_us, timestamp_type, timestamp_ms, trace: trace_of(message) }
}

/// The record's last `stampede.trace` header, decoded. librdkafka parses a record's headers only
/// when asked (here), and a record without any answers at once.
fn trace_of(message: &BorrowedMessage<'_>) -> TraceRead {
    let mut headers: *mut rdkafka::bindings::rd_kafka_headers_t = std::ptr::null_mut();
    let mut value: *const std::ffi::c_void = std::ptr::null();
    let mut size: usize = 0;
    // SAFETY: the message is alive for this call; the header list and the value it points at
    // belong to the message (not freed here) and are only read before returning.
    unsafe {
        if rdkafka::bindings::rd_kafka_message_headers(message.ptr(), &mut headers) != rdkafka::types::RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR {
            return TraceRead::Absent;
        }
        if rdkafka::bindings::rd_kafka_header_get_last(headers, TRACE_HEADER_CNAME.as_ptr(), &mut value, &mut size) != rdkafka::types::RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR {
            return TraceRead::Absent;
        }
        if value.is_null() {
            return TraceRead::Unreadable;
        }
        let bytes = std::slice::from_raw_parts(value.cast::<u8>(), size);
        Trace::decode(bytes).map_or(TraceRead::Unreadable, TraceRead::Present)
    }
}

/// A null key or value packs as 0 bytes.
fn key_and_value<'m>(message: &'m BorrowedMessage<'_>) -> (&'m [u8], &'m [u8]) {
    (message.key().unwrap_or_default(), message.payload().unwrap_or_default())
}

fn closed() -> Error {
    Error::new(Status::GenericFailure, "the consumer is closed".to_owned())
}

impl Drop for NativeConsumer {
    fn drop(&mut self) {
        self.close();
    }
}
