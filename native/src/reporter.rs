//! The producer's context: where librdkafka's delivery reports land. They never become JS values;
//! each one updates the worker's shared region on the thread that polls the producer.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use std::ffi::CStr;

use rdkafka::bindings as rdsys;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::Message;
use rdkafka::producer::{DeliveryResult, ProducerContext};
use rdkafka::statistics::Statistics;
use rdkafka::ClientContext;

use crate::region::Region;

pub struct Reporter {
    region: Region,
    /// False runs without the clock read and histogram write per report, to measure what they cost.
    track_latency: bool,
    /// Origin of the monotonic stamps carried per message in the delivery opaque.
    origin: Instant,
    last_error: Mutex<Option<String>>,
    /// Code of the last failed delivery remembered, so a run of identical failures (a broker gone
    /// with a million records queued) formats its message once, not a million times.
    last_delivery_code: AtomicI32,
    /// Failed records by librdkafka's error name (`_MSG_TIMED_OUT`, `NOT_ENOUGH_REPLICAS`, …), the
    /// names its logs and docs use. Failures are rare and counted per run of one code, so a lock is cheap.
    errors_by_code: Mutex<HashMap<String, f64>>,
    /// Produce request retries summed over brokers (`txretries` of librdkafka's statistics), as of
    /// the last statistics event: cumulative, so the latest value is the total.
    retries: AtomicU64,
}

impl Reporter {
    pub fn new(region: Region, track_latency: bool) -> Self {
        Reporter {
            region,
            track_latency,
            origin: Instant::now(),
            last_error: Mutex::new(None),
            last_delivery_code: AtomicI32::new(0),
            errors_by_code: Mutex::new(HashMap::new()),
            retries: AtomicU64::new(0),
        }
    }

    /// Counts `records` failed records of one librdkafka error code (its numeric value) by its name.
    pub fn count_errors(&self, code: i32, records: f64) {
        self.count_named_errors(&error_name(code), records);
    }

    pub fn count_named_errors(&self, name: &str, records: f64) {
        if let Ok(mut counts) = self.errors_by_code.lock() {
            *counts.entry(name.to_owned()).or_insert(0.0) += records;
        }
    }

    pub fn errors_by_code(&self) -> HashMap<String, f64> {
        self.errors_by_code.lock().map(|counts| counts.clone()).unwrap_or_default()
    }

    pub fn retries(&self) -> u64 {
        self.retries.load(Ordering::Relaxed)
    }

    fn note_statistics(&self, json: &str) {
        // Only produce retries are wanted; a statistics document librdkafka words differently is skipped.
        if let Ok(stats) = serde_json::from_str::<Statistics>(json) {
            let retries = stats.brokers.values().map(|broker| broker.txretries).sum::<u64>();
            self.retries.store(retries, Ordering::Relaxed);
        }
    }

    /// Nanoseconds since this reporter's origin: the stamp produceBatch gives each message.
    #[inline]
    pub fn stamp_ns(&self) -> usize {
        self.origin.elapsed().as_nanos() as usize
    }

    /// The stamp of a given instant (the pacer stamps each record with its intended time); an
    /// instant before the origin stamps as the origin.
    #[inline]
    pub fn stamp_of(&self, at: Instant) -> usize {
        at.saturating_duration_since(self.origin).as_nanos() as usize
    }

    pub fn region(&self) -> &Region {
        &self.region
    }

    pub fn remember_error(&self, message: String) {
        if let Ok(mut last) = self.last_error.lock() {
            *last = Some(message);
        }
    }

    pub fn last_error(&self) -> Option<String> {
        self.last_error.lock().ok().and_then(|last| last.clone())
    }
}

impl Reporter {
    /// Serves one event from the producer's main queue. For a delivery-report event — every message
    /// one broker response settled — the clock is read once, consecutive messages that were enqueued
    /// by the same produceBatch call (same stamp, hence same latency) are recorded with one histogram
    /// write, and the acked counters are added once. The per-message work of the rdkafka crate's poll
    /// (an Arc clone and a BorrowedMessage each) is skipped.
    ///
    /// # Safety
    /// `event` must be a live event from this producer's main queue; the caller destroys it.
    pub unsafe fn serve_event(&self, event: *mut rdsys::rd_kafka_event_t) {
        match rdsys::rd_kafka_event_type(event) {
            rdsys::RD_KAFKA_EVENT_DR => self.serve_delivery_reports(event),
            rdsys::RD_KAFKA_EVENT_ERROR => {
                let reason = rdsys::rd_kafka_event_error_string(event);
                let reason = if reason.is_null() { String::from("unknown error") } else { CStr::from_ptr(reason).to_string_lossy().into_owned() };
                self.remember_error(reason);
            }
            rdsys::RD_KAFKA_EVENT_STATS => {
                let json = rdsys::rd_kafka_event_stats(event);
                if !json.is_null() {
                    self.note_statistics(&CStr::from_ptr(json).to_string_lossy());
                }
            }
            _ => {} // others: not asked for, destroyed by the caller
        }
    }

    unsafe fn serve_delivery_reports(&self, event: *mut rdsys::rd_kafka_event_t) {
        let now_ns = if self.track_latency { self.stamp_ns() } else { 0 };
        let mut acked = 0.0;
        let mut acked_bytes = 0.0;
        let mut run_stamp = 0usize;
        let mut run_length = 0.0;
        // Failures of one code in a row (a broker gone: every queued record times out alike) are counted once.
        let mut failed_code = 0i32;
        let mut failed_run = 0.0;
        loop {
            let message = rdsys::rd_kafka_event_message_next(event);
            if message.is_null() {
                break;
            }
            let message = &*message;
            if message.err != rdsys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
                self.region.add_failed(1.0);
                if failed_run > 0.0 && message.err as i32 != failed_code {
                    self.count_errors(failed_code, failed_run);
                    failed_run = 0.0;
                }
                failed_code = message.err as i32;
                failed_run += 1.0;
                let code = message.err as i32;
                if self.last_delivery_code.swap(code, Ordering::Relaxed) != code {
                    self.remember_error(format!("delivery failed: {}", RDKafkaErrorCode::from(message.err)));
                }
                continue;
            }
            acked += 1.0;
            acked_bytes += (message.len + message.key_len) as f64;
            if self.track_latency {
                let stamp = message._private as usize;
                if run_length > 0.0 && stamp != run_stamp {
                    self.record_run(now_ns, run_stamp, run_length);
                    run_length = 0.0;
                }
                run_stamp = stamp;
                run_length += 1.0;
            }
        }
        if run_length > 0.0 {
            self.record_run(now_ns, run_stamp, run_length);
        }
        if failed_run > 0.0 {
            self.count_errors(failed_code, failed_run);
        }
        // After the latencies: a reader never sees more acks than latencies.
        if acked > 0.0 {
            self.region.add_acked_records(acked, acked_bytes);
        }
    }

    #[inline]
    fn record_run(&self, now_ns: usize, enqueued_at_ns: usize, records: f64) {
        // Signed: a stamp later than its ack would be a bug, and is counted as negative, not hidden.
        self.region.record_latencies_us((now_ns as f64 - enqueued_at_ns as f64) / 1_000.0, records);
    }
}

/// librdkafka's name of an error code (`_MSG_TIMED_OUT`, `NOT_LEADER_OR_FOLLOWER`), from its own
/// table of codes, so a code this build does not know as a Rust variant is still named.
pub fn error_name(code: i32) -> String {
    let mut descs: *const rdsys::rd_kafka_err_desc = std::ptr::null();
    let mut count = 0usize;
    // SAFETY: librdkafka hands out a pointer to its static table and its length; entries it has no
    // code for are zeroed (a null name), and are skipped.
    unsafe {
        rdsys::rd_kafka_get_err_descs(&mut descs, &mut count);
        if !descs.is_null() {
            for desc in std::slice::from_raw_parts(descs, count) {
                if desc.code as i32 == code && !desc.name.is_null() {
                    return CStr::from_ptr(desc.name).to_string_lossy().into_owned();
                }
            }
        }
    }
    format!("ERR_{code}")
}

impl ClientContext for Reporter {
    /// Global errors (all brokers down, authentication, fatal idempotence errors) arrive here as
    /// events; librdkafka retries on its own, so they are kept for the message of a later failure.
    fn error(&self, error: KafkaError, reason: &str) {
        self.remember_error(format!("{error}: {reason}"));
    }
}

/// Used by the rdkafka crate's own polling, which only runs when the producer is dropped (its purge
/// and flush); while the producer runs, `serve_event` does the same work per event.
impl ProducerContext for Reporter {
    /// `stamp_ns` of the produceBatch call that enqueued the message.
    type DeliveryOpaque = usize;

    fn delivery(&self, result: &DeliveryResult<'_>, enqueued_at_ns: usize) {
        match result {
            Ok(message) => {
                if self.track_latency {
                    let latency_ns = self.stamp_ns() as f64 - enqueued_at_ns as f64;
                    self.region.record_latency_us(latency_ns / 1_000.0);
                }
                let bytes = message.key().map_or(0, <[u8]>::len) + message.payload().map_or(0, <[u8]>::len);
                self.region.add_acked(bytes as f64);
            }
            Err((error, _)) => {
                self.region.add_failed(1.0);
                let code = error.rdkafka_error_code().map_or(-1, |code| code as i32);
                self.count_errors(code, 1.0);
                if self.last_delivery_code.swap(code, Ordering::Relaxed) != code {
                    self.remember_error(format!("delivery failed: {error}"));
                }
            }
        }
    }
}
