//! The producer's context: where librdkafka's delivery reports land. They never become JS values;
//! each one updates the worker's shared region on the thread that polls the producer.

use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use rdkafka::error::KafkaError;
use rdkafka::message::Message;
use rdkafka::producer::{DeliveryResult, ProducerContext};
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
}

impl Reporter {
    pub fn new(region: Region, track_latency: bool) -> Self {
        Reporter {
            region,
            track_latency,
            origin: Instant::now(),
            last_error: Mutex::new(None),
            last_delivery_code: AtomicI32::new(0),
        }
    }

    /// Nanoseconds since this reporter's origin: the stamp produceBatch gives each message.
    #[inline]
    pub fn stamp_ns(&self) -> usize {
        self.origin.elapsed().as_nanos() as usize
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

impl ClientContext for Reporter {
    /// Global errors (all brokers down, authentication, fatal idempotence errors) arrive here as
    /// events; librdkafka retries on its own, so they are kept for the message of a later failure.
    fn error(&self, error: KafkaError, reason: &str) {
        self.remember_error(format!("{error}: {reason}"));
    }
}

impl ProducerContext for Reporter {
    /// `stamp_ns` of the produceBatch call that enqueued the message.
    type DeliveryOpaque = usize;

    fn delivery(&self, result: &DeliveryResult<'_>, enqueued_at_ns: usize) {
        match result {
            Ok(message) => {
                if self.track_latency {
                    let latency_ns = self.stamp_ns().saturating_sub(enqueued_at_ns);
                    self.region.record_latency_us(latency_ns as f64 / 1_000.0);
                }
                let bytes = message.key().map_or(0, <[u8]>::len) + message.payload().map_or(0, <[u8]>::len);
                self.region.add_acked(bytes as f64);
            }
            Err((error, _)) => {
                self.region.add_failed(1.0);
                let code = error.rdkafka_error_code().map_or(-1, |code| code as i32);
                if self.last_delivery_code.swap(code, Ordering::Relaxed) != code {
                    self.remember_error(format!("delivery failed: {error}"));
                }
            }
        }
    }
}
