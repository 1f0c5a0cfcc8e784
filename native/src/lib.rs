//! stampede's Node-API Kafka producer and consumer. Context-aware (Node-API), so every worker thread
//! of a process can load it at once; delivery reports go straight into shared memory, never into JS,
//! and consumed records cross into JS as one packed Buffer per poll.
#![deny(clippy::all)]

mod batch;
pub mod consumed;
mod consumer;
mod histogram;
mod layout;
mod pacer;
mod producer;
mod region;
mod reporter;
pub mod testing;
mod topic;

pub use consumer::{NativeConsumer, PartitionWatermarks};
pub use producer::{NativeProducer, ProduceOutcome};

use napi_derive::napi;

/// librdkafka's version, e.g. "2.12.1" (the source bundled in rdkafka-sys, linked statically).
#[napi]
pub fn librdkafka_version() -> String {
    rdkafka::util::get_rdkafka_version().1
}
