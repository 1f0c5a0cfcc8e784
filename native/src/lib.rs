//! stampede's Node-API Kafka producer and consumer. Context-aware (Node-API), so every worker thread
//! of a process can load it at once; delivery reports go straight into shared memory, never into JS,
//! and consumed records cross into JS as one packed Buffer per poll.
#![deny(clippy::all)]

mod admin;
mod batch;
pub mod consumed;
mod consumer;
mod consumer_handle;
mod group_lag;
mod histogram;
mod layout;
mod pacer;
pub mod partition;
mod producer;
mod region;
mod reporter;
#[cfg(feature = "testing")]
pub mod testing;
mod thread_cpu;
mod topic;
pub mod trace;
mod transactions;

pub use admin::{BrokerInfo, ClusterInfo, NativeAdmin, TopicState};
pub use consumer::{NativeConsumer, PartitionWatermarks};
pub use producer::{NativeProducer, ProduceOutcome};

use napi_derive::napi;

/// librdkafka's version, e.g. "2.12.1" (the source bundled in rdkafka-sys, linked statically).
#[napi]
pub fn librdkafka_version() -> String {
    rdkafka::util::get_rdkafka_version().1
}

/// librdkafka's `builtin.features` of this build, e.g. "gzip, snappy, ssl, sasl, regex, lz4, …":
/// what security mechanisms and codecs a connection may ask for.
#[napi]
pub fn librdkafka_features() -> String {
    // SAFETY: a fresh configuration object, read and destroyed here; the buffer is sized by librdkafka.
    unsafe {
        let conf = rdkafka::bindings::rd_kafka_conf_new();
        let name = c"builtin.features";
        let mut size: usize = 0;
        rdkafka::bindings::rd_kafka_conf_get(conf, name.as_ptr(), std::ptr::null_mut(), &mut size);
        let mut buffer = vec![0u8; size.max(1)];
        let read = rdkafka::bindings::rd_kafka_conf_get(conf, name.as_ptr(), buffer.as_mut_ptr().cast(), &mut size);
        rdkafka::bindings::rd_kafka_conf_destroy(conf);
        if read != rdkafka::bindings::rd_kafka_conf_res_t::RD_KAFKA_CONF_OK {
            return String::new();
        }
        std::ffi::CStr::from_bytes_until_nul(&buffer).map(|text| text.to_string_lossy().replace(',', ", ")).unwrap_or_default()
    }
}
