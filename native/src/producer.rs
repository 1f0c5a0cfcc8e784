//! `NativeProducer`: one librdkafka producer per worker thread, fed one packed batch per call.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use napi::bindgen_prelude::{Buffer, Float64Array};
use napi::{Error, Result, Status};
use napi_derive::napi;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::{BaseProducer, Producer};
use rdkafka::types::RDKafkaRespErr;
use rdkafka::ClientConfig;

use crate::batch::{PackedRecord, PackedRecords};
use crate::partition::KeyPlacement;
use crate::trace::Trace;
use crate::pacer::{wall_clock_us, Pacer};
use crate::region::Region;
use crate::reporter::Reporter;
use crate::topic::{EnqueueChunk, TopicHandle, ENQUEUE_CHUNK};

/// How long one poll of the delivery-report queue lasts; close() waits at most this for the thread.
const POLL_SLICE: Duration = Duration::from_millis(50);

/// What one `produceBatch` call did.
#[napi(object)]
pub struct ProduceOutcome {
    /// Records enqueued into librdkafka by this call.
    pub records: u32,
    /// Records librdkafka refused for good (anything but QUEUE_FULL, e.g. message too large);
    /// they are counted as failed in the region. 0 normally.
    pub rejected: u32,
    /// Byte offset to resume from; the batch length once the whole batch is done.
    pub next_byte: u32,
    /// True when the call stopped at QUEUE_FULL (backpressure, nothing lost): wait ~1 ms and call
    /// again from `nextByte`.
    pub queue_full: bool,
    /// librdkafka's reason for the first rejected record of this call; absent when none was.
    pub error: Option<String>,
}

/// Optional settings of a `NativeProducer`.
#[napi(object)]
pub struct NativeProducerOptions {
    /// Record produce→ack latency into the region's histogram. Default: true. False leaves the
    /// histogram empty and skips a clock read per delivery report (to measure what tracking costs).
    pub track_latency: Option<bool>,
    /// `--record-trace header`: the run's 8-byte id. Batches then have the traced layout (identity
    /// in each record's header, src/records/batch.ts) and every record is produced with a
    /// `stampede.trace` header and CreateTime = its intended send time (ms), one librdkafka call
    /// per record. Absent: the batch-enqueue path, no header, CreateTime = enqueue time.
    pub trace_run_id: Option<Buffer>,
}

struct Running {
    /// Declared before `producer`: a topic handle must go before its producer. Shared with the
    /// pacer thread, which close() joins before dropping this.
    topic: Arc<TopicHandle>,
    producer: Arc<BaseProducer<Reporter>>,
    stop: Arc<AtomicBool>,
    poller: JoinHandle<()>,
}

/// A Kafka producer that writes its delivery reports into a worker's shared region: acked, failed,
/// ackedBytes (key + value bytes), clamped, and produce→ack latency (µs) into the histogram counts.
/// Nothing per record ever comes back to JS. One instance per worker thread; it loads in any number
/// of threads at once.
#[napi]
pub struct NativeProducer {
    running: Option<Running>,
    /// At a fixed rate: the thread that enqueues each record at its intended time (pacer.rs).
    pacer: Option<Pacer>,
    /// The publish-delay region the pacer writes; released after the pacer is joined (see Drop).
    _publish_delays: Option<Float64Array>,
    topic: String,
    reporter: Arc<Reporter>,
    /// `--record-trace header`: the run id every record's trace header carries.
    trace_run_id: Option<[u8; 8]>,
    /// Where the last produceBatch call stopped at QUEUE_FULL inside a chunk sent per partition.
    resume: RefCell<Option<Resume>>,
    /// produceBatch's chunk, kept between calls: ~140 KB, too big to build on the stack per call.
    chunk: RefCell<Box<EnqueueChunk>>,
    /// Holds a reference to the region's Float64Array, so its SharedArrayBuffer outlives the poll
    /// thread that writes into it. Dropped after close() has joined that thread (see Drop).
    _region: Float64Array,
}

#[napi]
impl NativeProducer {
    /// `config`: librdkafka producer properties, strings as in a .properties file
    /// (`bootstrap.servers` at least); librdkafka's defaults apply to the rest, e.g.
    /// `partitioner=consistent_random` unless set (stampede's profiles set `murmur2_random`).
    /// `topic`: every record of every batch goes there, partition chosen by the partitioner.
    /// `region`: a Float64Array over exactly this worker's region of the SharedArrayBuffer
    /// (`kRegionSlots` f64 slots, layout of src/shared/layout.ts).
    /// `options`: see `NativeProducerOptions`.
    /// Throws InvalidArg naming the property librdkafka rejects.
    #[napi(constructor)]
    pub fn new(
        config: HashMap<String, String>,
        topic: String,
        mut region: Float64Array,
        options: Option<NativeProducerOptions>,
    ) -> Result<Self> {
        let track_latency = options.as_ref().and_then(|options| options.track_latency).unwrap_or(true);
        let trace_run_id = match options.as_ref().and_then(|options| options.trace_run_id.as_ref()) {
            None => None,
            Some(id) => Some(<[u8; 8]>::try_from(&id[..]).map_err(|_| {
                Error::new(Status::InvalidArg, format!("traceRunId must be 8 bytes (got {})", id.len()))
            })?),
        };
        if topic.is_empty() || topic.contains('\0') {
            return Err(Error::new(Status::InvalidArg, format!("topic must be a non-empty name (got {topic:?})")));
        }
        // SAFETY: `_region` keeps the typed array, hence its SharedArrayBuffer, alive for as long as
        // the producer; the pointer stays valid since a SharedArrayBuffer is never detached or moved.
        let slots = unsafe { Region::new(region.as_mut().as_mut_ptr(), region.len())? };
        let mut client_config = ClientConfig::new();
        for (key, value) in &config {
            client_config.set(key, value);
        }
        let producer: BaseProducer<Reporter> =
            client_config.create_with_context(Reporter::new(slots, track_latency)).map_err(|error| match error {
                KafkaError::ClientConfig(_, reason, key, value) => Error::new(
                    Status::InvalidArg,
                    format!("producer property {key}={value} rejected: {}", reason.trim()),
                ),
                other => Error::new(Status::InvalidArg, format!("librdkafka could not create the producer: {other}")),
            })?;
        // SAFETY: Running drops the topic handle before the producer (field order, and close()).
        let setting = |name: &str| config.get(name).map(String::as_str);
        let placement = KeyPlacement::new(setting("partitioner"), setting("sticky.partitioning.linger.ms"), setting("linger.ms").or(setting("queue.buffering.max.ms")));
        let topic_handle = unsafe { TopicHandle::new(producer.client().native_ptr(), &topic, placement)? };
        let producer = Arc::new(producer);
        let reporter = Arc::clone(producer.context());
        let stop = Arc::new(AtomicBool::new(false));
        let spawned = {
            let producer = Arc::clone(&producer);
            let stop = Arc::clone(&stop);
            std::thread::Builder::new().name("stampede-dr-poll".to_owned()).spawn(move || {
                // The only thread that serves delivery reports while the producer runs, so the
                // region's native slots have one writer. It polls the main queue itself so that one
                // delivery-report event (one broker response) costs one clock read (see serve_event).
                let reporter = producer.context();
                let rk = producer.client().native_ptr();
                // SAFETY: the queue handle is taken and released on this thread, while `producer`
                // (moved in here) keeps the client alive; every event polled is destroyed.
                unsafe {
                    let queue = rdkafka::bindings::rd_kafka_queue_get_main(rk);
                    while !stop.load(Ordering::Acquire) {
                        let event = rdkafka::bindings::rd_kafka_queue_poll(queue, POLL_SLICE.as_millis() as i32);
                        if event.is_null() {
                            continue;
                        }
                        reporter.serve_event(event);
                        rdkafka::bindings::rd_kafka_event_destroy(event);
                    }
                    rdkafka::bindings::rd_kafka_queue_destroy(queue);
                }
            })
        };
        let poller = match spawned {
            Ok(poller) => poller,
            Err(error) => {
                drop(topic_handle); // before the producer, as librdkafka asks
                let message = format!("could not start the delivery-report thread: {error}");
                return Err(Error::new(Status::GenericFailure, message));
            }
        };
        Ok(NativeProducer {
            running: Some(Running { topic: Arc::new(topic_handle), producer, stop, poller }),
            pacer: None,
            _publish_delays: None,
            topic,
            reporter,
            trace_run_id,
            resume: RefCell::new(None),
            chunk: RefCell::new(Box::default()),
            _region: region,
        })
    }

    /// Enqueues the records of a packed batch (layout of src/records/batch.ts) from byte `fromByte`,
    /// key and value copied by librdkafka, until the batch ends or librdkafka's queue is full. One
    /// monotonic stamp per call is the produce time of every record it enqueues.
    /// `fromIntended` (default false): measure latency from each record's intended send time (its
    /// packed `intendedSendUs`, wall clock) instead of from this call, so a sender that fell behind
    /// its schedule shows it (coordinated-omission correction, for fixed-rate runs). The wall clock
    /// is read once per call; a record due later than now is measured from now.
    #[napi]
    pub fn produce_batch(&self, packed: &[u8], from_byte: u32, from_intended: Option<bool>) -> Result<ProduceOutcome> {
        let topic = &self.running()?.topic;
        let stamp = self.reporter.stamp_ns();
        topic.placement.advance_sticky(stamp as u64);
        let now_wall_us = if from_intended.unwrap_or(false) { Some(wall_clock_us()) } else { None };
        if let Some(run_id) = self.trace_run_id {
            return self.produce_traced(topic, packed, from_byte, stamp, now_wall_us, run_id);
        }
        let skip = self.resume.borrow_mut().take().filter(|resume| resume.continues(packed, from_byte));
        let skip = skip.map(|resume| resume.enqueued).unwrap_or_default();
        let mut records = PackedRecords::new(packed, from_byte as usize, false)?;
        let mut outcome = ProduceOutcome { records: 0, rejected: 0, next_byte: 0, queue_full: false, error: None };
        // Records go to librdkafka a chunk at a time (rd_kafka_produce_batch, once per partition of
        // the chunk); `starts` remembers where each record of the chunk begins, to resume from the
        // first one refused as QUEUE_FULL.
        let mut chunk = self.chunk.borrow_mut();
        chunk.clear();
        let mut starts = [0usize; ENQUEUE_CHUNK];
        let mut skipped = 0;
        loop {
            let at = records.position();
            let record = match records.next() {
                Some(record) => Some(record?),
                None => None,
            };
            if let Some(record) = &record {
                // Enqueued by the previous call already (a later partition of a chunk it resumed in).
                if skip.get(skipped) == Some(&at) {
                    skipped += 1;
                    continue;
                }
                let opaque = opaque_for(stamp, now_wall_us, record);
                starts[chunk.len()] = at;
                chunk.push(record.key, record.value, opaque, topic.placement.partition_of(record.key));
            }
            if chunk.is_full() || (record.is_none() && !chunk.is_empty()) {
                topic.produce_chunk(&mut chunk);
                if let Some(mut resume) = self.settle_chunk(&chunk, &starts, &mut outcome) {
                    outcome.queue_full = true;
                    outcome.next_byte = resume.from_byte;
                    // Records the previous call enqueued past the new resume point stay to be skipped:
                    // those further on, and those this chunk passed over after its first refusal.
                    let from = resume.from_byte as usize;
                    resume.enqueued.extend(skip.iter().copied().filter(|&at| at > from));
                    resume.enqueued.sort_unstable();
                    resume.batch = (packed.as_ptr() as usize, packed.len());
                    *self.resume.borrow_mut() = Some(resume);
                    return Ok(outcome);
                }
                chunk.clear();
            }
            if record.is_none() {
                break;
            }
        }
        outcome.next_byte = records.position() as u32;
        Ok(outcome)
    }

    /// A record librdkafka refused for good (not QUEUE_FULL): failed, counted by its error code, and
    /// the first such error kept for the run's summary.
    fn count_refused(&self, error: RDKafkaErrorCode, outcome: &mut ProduceOutcome) {
        self.reporter.region().add_failed(1.0);
        self.reporter.count_errors(error as i32, 1.0);
        outcome.rejected += 1;
        if outcome.error.is_none() {
            let message = format!("librdkafka refused a record: {error}");
            self.reporter.remember_error(message.clone());
            outcome.error = Some(message);
        }
    }

    /// Counts a produced chunk's records into `outcome` (refusals as failed). When librdkafka's queue
    /// filled, returns where to resume: the first record refused as QUEUE_FULL, and the records after
    /// it that went in anyway (other partitions, enqueued before the queue filled) or were refused
    /// for good, which the next call must not enqueue again.
    fn settle_chunk(&self, chunk: &EnqueueChunk, starts: &[usize], outcome: &mut ProduceOutcome) -> Option<Resume> {
        let mut resume: Option<Resume> = None;
        for index in 0..chunk.len() {
            match chunk.error(index) {
                None => outcome.records += 1,
                Some(RDKafkaErrorCode::QueueFull) => {
                    resume.get_or_insert_with(|| Resume { batch: (0, 0), from_byte: starts[index] as u32, enqueued: Vec::new() });
                    continue;
                }
                Some(error) => self.count_refused(error, outcome),
            }
            if let Some(resume) = &mut resume {
                resume.enqueued.push(starts[index]);
            }
        }
        resume
    }

    /// produceBatch of a traced batch: one rd_kafka_produceva per record, with its trace header and
    /// CreateTime = its intended send time (ms).
    fn produce_traced(&self, topic: &TopicHandle, packed: &[u8], from_byte: u32, stamp: usize, now_wall_us: Option<f64>, run_id: [u8; 8]) -> Result<ProduceOutcome> {
        let mut records = PackedRecords::new(packed, from_byte as usize, true)?;
        let mut outcome = ProduceOutcome { records: 0, rejected: 0, next_byte: 0, queue_full: false, error: None };
        loop {
            let at = records.position();
            let Some(record) = records.next() else { break };
            let record = record?;
            let trace = trace_of(&record, run_id);
            match topic.produce_stamped(record.key, record.value, opaque_for(stamp, now_wall_us, &record), timestamp_ms_of(&record), Some(&trace.encode())) {
                Ok(()) => outcome.records += 1,
                Err(RDKafkaErrorCode::QueueFull) => {
                    outcome.queue_full = true;
                    outcome.next_byte = at as u32;
                    return Ok(outcome);
                }
                Err(error) => self.count_refused(error, &mut outcome),
            }
        }
        outcome.next_byte = records.position() as u32;
        Ok(outcome)
    }

    /// Starts fixed-rate pacing: from now on `paceBatch` hands batches to a native thread that
    /// enqueues each record at its packed `intendedSendUs` (wall clock, µs), never before; latency
    /// is measured from that intended time, and each record's publish delay (enqueue − intended,
    /// time blocked on QUEUE_FULL included) goes into `publishDelays`, a Float64Array over this
    /// worker's region of the publish-delay buffer (same layout as `region`). QUEUE_FULL episodes
    /// and the µs blocked in them go into the backpressure and blocked slots of `region`.
    /// `queueBatches` (default 64) bounds the batches waiting for the pacer.
    #[napi]
    pub fn start_pacing(&mut self, mut publish_delays: Float64Array, queue_batches: Option<u32>) -> Result<()> {
        if self.pacer.is_some() {
            return Err(Error::new(Status::GenericFailure, "pacing has already started".to_owned()));
        }
        let topic = Arc::clone(&self.running()?.topic);
        // SAFETY: `_publish_delays` keeps the typed array alive until after the pacer is joined.
        let slots = unsafe { Region::new(publish_delays.as_mut().as_mut_ptr(), publish_delays.len())? };
        self.pacer = Some(Pacer::start(topic, Arc::clone(&self.reporter), slots, queue_batches.unwrap_or(64) as usize, self.trace_run_id)?);
        self._publish_delays = Some(publish_delays);
        Ok(())
    }

    /// Hands one packed batch (copied) to the pacer. False when its queue is full: call again
    /// shortly. Throws when librdkafka has refused records (naming why) or pacing never started.
    #[napi]
    pub fn pace_batch(&self, packed: &[u8]) -> Result<bool> {
        match &self.pacer {
            Some(pacer) => pacer.offer(packed),
            None => Err(Error::new(Status::GenericFailure, "pacing has not started (call startPacing)".to_owned())),
        }
    }

    /// Waits up to `timeoutMs` for every enqueued record to be delivered or failed, sending queued
    /// records at once (linger.ms is ignored meanwhile). When pacing, the pacer first sends what it
    /// was handed, each record at its intended time, within the same timeout. Blocks the calling
    /// thread. Returns true when librdkafka holds no more records; their reports are then in the region.
    #[napi]
    pub fn flush(&mut self, timeout_ms: u32) -> Result<bool> {
        // A batch left part-sent at QUEUE_FULL is not resumed after a flush.
        self.resume.borrow_mut().take();
        let started = std::time::Instant::now();
        if let Some(mut pacer) = self.pacer.take() {
            pacer.finish(Duration::from_millis(timeout_ms.into()));
        }
        let timeout_ms = (timeout_ms as u128).saturating_sub(started.elapsed().as_millis()) as u32;
        let producer = &self.running()?.producer;
        // rd_kafka_flush, not BaseProducer::flush: with the event API it only waits while our poll
        // thread serves the reports, whereas BaseProducer::flush would also poll on this thread and
        // give the region's slots a second writer.
        let timeout = i32::try_from(timeout_ms).unwrap_or(i32::MAX);
        let code = unsafe { rdkafka::bindings::rd_kafka_flush(producer.client().native_ptr(), timeout) };
        match code {
            RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR => Ok(true),
            RDKafkaRespErr::RD_KAFKA_RESP_ERR__TIMED_OUT => Ok(false),
            other => {
                Err(Error::new(Status::GenericFailure, format!("flush failed: {}", RDKafkaErrorCode::from(other))))
            }
        }
    }

    /// Fetches the topic's metadata: proves a broker answers and warms the connection before the
    /// first batch. Returns the topic's partition count; throws when no broker answers in `timeoutMs`
    /// or the topic does not exist.
    #[napi]
    pub fn fetch_topic_metadata(&self, timeout_ms: u32) -> Result<u32> {
        let producer = &self.running()?.producer;
        let metadata = producer
            .client()
            .fetch_metadata(Some(&self.topic), Duration::from_millis(timeout_ms.into()))
            .map_err(|error| {
                Error::new(
                    Status::GenericFailure,
                    format!("no metadata for topic {} within {timeout_ms} ms: {error}", self.topic),
                )
            })?;
        let topic = metadata.topics().iter().find(|topic| topic.name() == self.topic);
        match topic {
            Some(topic) if topic.error().is_none() => {
                let partitions = topic.partitions().len() as u32;
                self.running()?.topic.placement.set_partitions(partitions);
                Ok(partitions)
            }
            Some(topic) => Err(Error::new(
                Status::GenericFailure,
                format!(
                    "topic {}: {}",
                    self.topic,
                    RDKafkaErrorCode::from(topic.error().unwrap_or(RDKafkaRespErr::RD_KAFKA_RESP_ERR_UNKNOWN))
                ),
            )),
            None => Err(Error::new(
                Status::GenericFailure,
                format!("topic {} is not in the cluster's metadata", self.topic),
            )),
        }
    }

    /// The last error librdkafka reported (a global error event, a failed delivery or a refused
    /// record), for the message of a timeout; null when there was none.
    #[napi(getter)]
    pub fn last_error(&self) -> Option<String> {
        self.reporter.last_error()
    }

    /// Failed records by librdkafka's error name (`_MSG_TIMED_OUT`, `NOT_ENOUGH_REPLICAS`, …): failed
    /// deliveries, records refused at enqueue, and (after close) records purged unsent. Empty when none failed.
    #[napi]
    pub fn errors_by_code(&self) -> HashMap<String, f64> {
        self.reporter.errors_by_code()
    }

    /// Produce request retries over all brokers, from librdkafka's statistics (`txretries`), as of
    /// their last emission: 0 unless `statistics.interval.ms` > 0.
    #[napi(getter)]
    pub fn retries(&self) -> f64 {
        self.reporter.retries() as f64
    }

    /// Stops and joins the delivery-report thread, then destroys the producer: records still queued
    /// are purged and counted as failed, and librdkafka's own threads end. Flush first to deliver
    /// them. Idempotent; the finalizer does the same if close() was never called.
    #[napi]
    pub fn close(&mut self) {
        // The pacer first: it produces on the topic handle that goes next.
        if let Some(mut pacer) = self.pacer.take() {
            pacer.abort();
        }
        if let Some(Running { topic, producer, stop, poller }) = self.running.take() {
            stop.store(true, Ordering::Release);
            // A panic in the poll thread is already reported on stderr; nothing to add here.
            let _ = poller.join();
            drop(topic);
            // Last reference: BaseProducer's Drop purges, serves the purged reports on this thread
            // (the poll thread is gone, so still one writer), then rd_kafka_destroy joins librdkafka.
            drop(producer);
        }
    }

    fn running(&self) -> Result<&Running> {
        self.running.as_ref().ok_or_else(|| Error::new(Status::GenericFailure, "the producer is closed".to_owned()))
    }
}

impl Drop for NativeProducer {
    fn drop(&mut self) {
        // Runs before the fields drop, so the region reference is released only after the thread
        // that writes into it has been joined.
        self.close();
    }
}

/// A produceBatch call that stopped at QUEUE_FULL within a chunk sent per partition: the records
/// after `from_byte` that were enqueued (or refused for good) anyway, as byte offsets ascending.
/// Only the next call for the same batch from `from_byte` skips them; any other call drops this.
struct Resume {
    /// The batch's address and length, to recognise the caller's retry of the same batch.
    batch: (usize, usize),
    from_byte: u32,
    enqueued: Vec<usize>,
}

impl Resume {
    fn continues(&self, packed: &[u8], from_byte: u32) -> bool {
        self.batch == (packed.as_ptr() as usize, packed.len()) && self.from_byte == from_byte
    }
}

/// The delivery-report stamp of a record: the call's monotonic stamp, shifted back by how late the
/// record is against its schedule when measuring from intended times. Signed: a record handed before
/// its intended time is measured from that time too, so an early hand-over shows (as a negative
/// latency) instead of being clamped.
#[inline]
fn opaque_for(stamp: usize, now_wall_us: Option<f64>, record: &PackedRecord<'_>) -> usize {
    match now_wall_us {
        Some(now_us) => (stamp as f64 - (now_us - record.intended_send_us) * 1_000.0).max(0.0) as usize,
        None => stamp,
    }
}

/// A record's Kafka timestamp: its intended send time, whole ms.
#[inline]
pub(crate) fn timestamp_ms_of(record: &PackedRecord<'_>) -> i64 {
    (record.intended_send_us / 1_000.0).floor() as i64
}

/// The trace header of a record of a traced batch.
#[inline]
pub(crate) fn trace_of(record: &PackedRecord<'_>, run_id: [u8; 8]) -> Trace {
    let (device_id, seq) = record.identity.unwrap_or((0, 0.0));
    Trace { run_id, device_id, seq: seq as u64, intended_send_us: record.intended_send_us.round() as i64 }
}

/// Hooks for transactions.rs (`run --transactional`), which adds its napi methods in its own file.
impl NativeProducer {
    pub(crate) fn base_producer(&self) -> Result<&BaseProducer<Reporter>> {
        Ok(&self.running()?.producer)
    }

    pub(crate) fn reporter_ref(&self) -> &Reporter {
        &self.reporter
    }
}
