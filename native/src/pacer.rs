//! Fixed-rate pacing: one thread per producer takes the packed batches JS generates
//! ahead of time and enqueues each record into librdkafka at its intended wall-clock microsecond,
//! so records arrive as independent devices would send them, not in bursts of a batch. No record is
//! enqueued before its intended time; how late each one is (publish delay, time blocked on a full
//! queue included) is recorded natively, and latency is measured from the intended time.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use napi::{Error, Result, Status};
use rdkafka::error::RDKafkaErrorCode;

use crate::batch::{PackedRecord, PackedRecords};
use crate::producer::{timestamp_ms_of, trace_of};
use crate::region::Region;
use crate::reporter::Reporter;
use crate::topic::TopicHandle;

/// Below this much time to wait, the pacer spins instead of sleeping: a sleep costs a syscall and
/// wakes a few µs late, while spinning a couple of µs costs less than that.
const SPIN_BELOW: Duration = Duration::from_micros(3);
/// The longest single sleep, so an abort is noticed promptly even at 1 record/s.
const MAX_SLEEP: Duration = Duration::from_millis(10);
/// How long to wait before retrying a record librdkafka refused with QUEUE_FULL.
const QUEUE_FULL_WAIT: Duration = Duration::from_micros(200);
/// Timer slack the pacer thread asks Linux for (the default, 50 µs, would make every sleep up to
/// 50 µs late); see prctl(2), PR_SET_TIMERSLACK.
const TIMER_SLACK_NS: u64 = 1_000;

/// Wall clock in µs since the Unix epoch, as the packed intendedSendUs is.
pub fn wall_clock_us() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0.0, |elapsed| elapsed.as_secs_f64() * 1e6)
}

/// What the pacing loop does with each record; the producer's sink enqueues into librdkafka and
/// writes the regions, the test sink notes the enqueue times.
pub trait PaceSink {
    /// Enqueues one record stamped with its intended time (reporter stamp, ns).
    fn produce(&mut self, record: &PackedRecord<'_>, intended_stamp_ns: usize) -> std::result::Result<(), RDKafkaErrorCode>;
    /// The delivery-report stamp of an instant.
    fn stamp_of(&self, at: Instant) -> usize;
    /// A record went in `late_us` after its intended time (≥ 0: never before it).
    fn enqueued(&mut self, late_us: f64);
    /// A QUEUE_FULL episode ended after `micros` of waiting.
    fn blocked(&mut self, micros: f64);
    /// librdkafka refused a record for good.
    fn refused(&mut self, error: RDKafkaErrorCode);
    /// Records dropped unsent because the pacer was aborted (close without flush, or a flush timeout).
    fn dropped(&mut self, records: usize);
}

/// Sleeps (long gaps) or spins (the last few µs) until `due`; returns the instant it saw at or after
/// `due`, or None when aborted first.
fn wait_until(due: Instant, abort: &AtomicBool) -> Option<Instant> {
    loop {
        let now = Instant::now();
        if now >= due {
            return Some(now);
        }
        let remaining = due - now;
        if remaining > SPIN_BELOW {
            if abort.load(Ordering::Relaxed) {
                return None;
            }
            std::thread::sleep((remaining - SPIN_BELOW / 2).min(MAX_SLEEP));
        } else {
            std::hint::spin_loop();
        }
    }
}

/// Enqueues every record of one packed batch at its intended time. The wall clock is read once per
/// batch to anchor intended wall-clock µs to the monotonic clock the waits use, so a wall-clock
/// step mid-batch cannot make a record early. Returns false when aborted (the rest is dropped).
/// `traced`: the batch has the traced layout (src/records/batch.ts).
pub fn pace_packed_batch(packed: &[u8], traced: bool, abort: &AtomicBool, sink: &mut impl PaceSink) -> Result<bool> {
    // Wall clock first, then the monotonic anchor: any gap between the two reads makes records a
    // few ns late, never early.
    let anchor_wall_us = wall_clock_us();
    let anchor = Instant::now();
    let records: Vec<_> = PackedRecords::new(packed, 0, traced)?.collect::<Result<_>>()?;
    for (index, record) in records.iter().enumerate() {
        let offset_us = record.intended_send_us - anchor_wall_us;
        let offset = Duration::from_nanos((offset_us.abs() * 1_000.0) as u64);
        let due = if offset_us >= 0.0 { anchor + offset } else { anchor.checked_sub(offset).unwrap_or(anchor) };
        let Some(mut now) = wait_until(due, abort) else {
            sink.dropped(records.len() - index);
            return Ok(false);
        };
        let stamp = sink.stamp_of(due);
        let mut blocked_since: Option<Instant> = None;
        loop {
            match sink.produce(record, stamp) {
                Ok(()) => break,
                Err(RDKafkaErrorCode::QueueFull) => {
                    // Backpressure: the delivery-report thread frees room as acks come in.
                    blocked_since.get_or_insert(now);
                    if abort.load(Ordering::Relaxed) {
                        sink.blocked((Instant::now() - blocked_since.unwrap_or(now)).as_secs_f64() * 1e6);
                        sink.dropped(records.len() - index);
                        return Ok(false);
                    }
                    std::thread::sleep(QUEUE_FULL_WAIT);
                }
                Err(error) => {
                    sink.refused(error);
                    break;
                }
            }
        }
        if let Some(since) = blocked_since {
            now = Instant::now();
            sink.blocked((now - since).as_secs_f64() * 1e6);
        }
        sink.enqueued((now - due).as_secs_f64() * 1e6);
    }
    Ok(true)
}

/// Asks Linux for a fine timer slack on this thread, so sleeps end when asked. Best effort.
pub fn tighten_timer_slack() {
    #[cfg(target_os = "linux")]
    {
        extern "C" {
            fn prctl(option: i32, ...) -> i32;
        }
        const PR_SET_TIMERSLACK: i32 = 29;
        // SAFETY: PR_SET_TIMERSLACK takes one unsigned long and affects only the calling thread.
        unsafe { prctl(PR_SET_TIMERSLACK, TIMER_SLACK_NS as std::ffi::c_ulong) };
    }
}

/// The librdkafka-facing sink: produce on the topic handle, publish delay into the publish-delay
/// region, backpressure, blocked µs and failures into the worker's region.
struct ProducerSink {
    topic: Arc<TopicHandle>,
    /// `--record-trace header`: the run id of every record's trace header
    trace_run_id: Option<[u8; 8]>,
    reporter: Arc<Reporter>,
    publish_delays: Region,
    shared: Arc<Shared>,
}

impl PaceSink for ProducerSink {
    /// CreateTime = the intended send time (ms), whatever the trace mode: one librdkafka call per
    /// record either way at a fixed rate.
    fn produce(&mut self, record: &PackedRecord<'_>, intended_stamp_ns: usize) -> std::result::Result<(), RDKafkaErrorCode> {
        let trace = self.trace_run_id.map(|run_id| trace_of(record, run_id).encode());
        self.topic.placement.advance_sticky(intended_stamp_ns as u64);
        self.topic.produce_stamped(record.key, record.value, intended_stamp_ns, timestamp_ms_of(record), trace.as_ref())
    }

    fn stamp_of(&self, at: Instant) -> usize {
        self.reporter.stamp_of(at)
    }

    fn enqueued(&mut self, late_us: f64) {
        self.publish_delays.record_latency_us(late_us);
    }

    fn blocked(&mut self, micros: f64) {
        let region = self.reporter.region();
        region.add_backpressure();
        region.add_blocked_micros(micros);
    }

    fn refused(&mut self, error: RDKafkaErrorCode) {
        self.reporter.region().add_failed(1.0);
        self.reporter.count_errors(error as i32, 1.0);
        self.shared.refused.fetch_add(1, Ordering::Relaxed);
        let message = format!("librdkafka refused a record: {error}");
        self.reporter.remember_error(message.clone());
        if let Ok(mut first) = self.shared.first_refusal.lock() {
            first.get_or_insert(message);
        }
    }

    fn dropped(&mut self, records: usize) {
        // Handed over (and counted as sent by JS) but never enqueued: failed, so the books balance.
        self.reporter.region().add_failed(records as f64);
        self.reporter.count_named_errors(NOT_ENQUEUED, records as f64);
    }
}

/// Not a librdkafka code: records the pacer was handed but never enqueued (pacing aborted).
const NOT_ENQUEUED: &str = "stampede:not-enqueued";

/// State the pacer thread and the producer's JS thread share.
struct Shared {
    abort: AtomicBool,
    finished: AtomicBool,
    refused: AtomicU64,
    first_refusal: Mutex<Option<String>>,
}

/// A running pacer: a bounded queue of batches and the thread that paces them.
pub struct Pacer {
    sender: Option<SyncSender<Vec<u8>>>,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Pacer {
    /// Starts the pacing thread. `queue_batches` bounds how many batches may wait for it.
    /// `trace_run_id`: `--record-trace header` (batches have the traced layout).
    pub fn start(topic: Arc<TopicHandle>, reporter: Arc<Reporter>, publish_delays: Region, queue_batches: usize, trace_run_id: Option<[u8; 8]>) -> Result<Pacer> {
        let (sender, receiver) = sync_channel::<Vec<u8>>(queue_batches.max(1));
        let shared = Arc::new(Shared {
            abort: AtomicBool::new(false),
            finished: AtomicBool::new(false),
            refused: AtomicU64::new(0),
            first_refusal: Mutex::new(None),
        });
        let mut sink = ProducerSink { topic, trace_run_id, reporter, publish_delays, shared: Arc::clone(&shared) };
        let traced = trace_run_id.is_some();
        let thread_shared = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("stampede-pacer".to_owned())
            .spawn(move || {
                tighten_timer_slack();
                run(&receiver, traced, &thread_shared, &mut sink);
                thread_shared.finished.store(true, Ordering::Release);
            })
            .map_err(|error| Error::new(Status::GenericFailure, format!("could not start the pacer thread: {error}")))?;
        Ok(Pacer { sender: Some(sender), shared, thread: Some(thread) })
    }

    /// Hands a batch to the pacer; false when its queue is full (try again shortly). Errors when
    /// librdkafka has refused a record since (a setting or record-size problem every record hits).
    pub fn offer(&self, packed: &[u8]) -> Result<bool> {
        self.check_refusals()?;
        let Some(sender) = &self.sender else {
            return Err(Error::new(Status::GenericFailure, "pacing has finished".to_owned()));
        };
        match sender.try_send(packed.to_vec()) {
            Ok(()) => Ok(true),
            Err(TrySendError::Full(_)) => Ok(false),
            Err(TrySendError::Disconnected(_)) => Err(Error::new(Status::GenericFailure, "the pacer thread has stopped".to_owned())),
        }
    }

    fn check_refusals(&self) -> Result<()> {
        let refused = self.shared.refused.load(Ordering::Relaxed);
        if refused == 0 {
            return Ok(());
        }
        let reason = self.shared.first_refusal.lock().ok().and_then(|first| first.clone()).unwrap_or_default();
        Err(Error::new(Status::GenericFailure, format!("{refused} records refused: {reason}")))
    }

    /// Lets the pacer send what it was handed, each record at its time, for up to `timeout`; then
    /// aborts (what is left is counted as failed) and joins the thread. True when all went in.
    pub fn finish(&mut self, timeout: Duration) -> bool {
        drop(self.sender.take()); // the thread ends once the queue is empty
        let deadline = Instant::now() + timeout;
        while !self.shared.finished.load(Ordering::Acquire) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        let complete = self.shared.finished.load(Ordering::Acquire);
        self.abort();
        complete
    }

    /// Stops at once, dropping (and counting as failed) whatever was not enqueued yet; joins.
    pub fn abort(&mut self) {
        self.shared.abort.store(true, Ordering::Relaxed);
        drop(self.sender.take());
        if let Some(thread) = self.thread.take() {
            // A panic in the pacer is already reported on stderr; nothing to add here.
            let _ = thread.join();
        }
    }
}

impl Drop for Pacer {
    fn drop(&mut self) {
        self.abort();
    }
}

fn run(receiver: &Receiver<Vec<u8>>, traced: bool, shared: &Shared, sink: &mut impl PaceSink) {
    loop {
        let batch = match receiver.recv_timeout(MAX_SLEEP) {
            Ok(batch) => batch,
            Err(RecvTimeoutError::Timeout) if !shared.abort.load(Ordering::Relaxed) => continue,
            Err(_) => break,
        };
        match pace_packed_batch(&batch, traced, &shared.abort, sink) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) => sink.dropped(PackedRecords::new(&batch, 0, traced).map_or(0, |records| records.count())),
        }
    }
    // Aborted: whatever still waits in the queue is dropped, and counted.
    while let Ok(batch) = receiver.try_recv() {
        sink.dropped(PackedRecords::new(&batch, 0, traced).map_or(0, |records| records.count()));
    }
}

/// A sink that notes when each record would have gone in (wall clock µs), for the tests of the
/// arrival law (testing.rs).
#[cfg(any(test, feature = "testing"))]
pub struct TimingSink {
    pub enqueued_at_us: Vec<f64>,
    pub late_us: Vec<f64>,
    origin: Instant,
}

#[cfg(any(test, feature = "testing"))]
impl Default for TimingSink {
    fn default() -> Self {
        TimingSink { enqueued_at_us: Vec::new(), late_us: Vec::new(), origin: Instant::now() }
    }
}

#[cfg(any(test, feature = "testing"))]
impl PaceSink for TimingSink {
    fn produce(&mut self, _record: &PackedRecord<'_>, _stamp: usize) -> std::result::Result<(), RDKafkaErrorCode> {
        self.enqueued_at_us.push(wall_clock_us());
        Ok(())
    }
    fn stamp_of(&self, at: Instant) -> usize {
        at.saturating_duration_since(self.origin).as_nanos() as usize
    }
    fn enqueued(&mut self, late_us: f64) {
        self.late_us.push(late_us);
    }
    fn blocked(&mut self, _micros: f64) {}
    fn refused(&mut self, _error: RDKafkaErrorCode) {}
    fn dropped(&mut self, _records: usize) {}
}
