//! A librdkafka topic handle held for the producer's life, so each record is enqueued with
//! rd_kafka_produce on it. rdkafka's BaseRecord path (rd_kafka_producev by topic name) allocates a
//! CString and looks the topic up for every record: ~30% more enqueue time in our measurements.

use std::ffi::{c_void, CString};
use std::ptr::NonNull;

use napi::{Error, Result, Status};
use rdkafka::bindings::{
    rd_kafka_last_error, rd_kafka_produce, rd_kafka_t, rd_kafka_topic_destroy, rd_kafka_topic_new, rd_kafka_topic_t,
    RD_KAFKA_MSG_F_COPY,
};
use rdkafka::types::RDKafkaErrorCode;

/// RD_KAFKA_PARTITION_UA: let the configured partitioner choose.
const UNASSIGNED_PARTITION: i32 = -1;

pub struct TopicHandle {
    rkt: NonNull<rd_kafka_topic_t>,
}

// SAFETY: librdkafka topic handles are thread-safe; rd_kafka_produce may be called from any thread.
unsafe impl Send for TopicHandle {}
unsafe impl Sync for TopicHandle {}

impl TopicHandle {
    /// # Safety
    /// `rk` must be a live producer handle that outlives the returned TopicHandle: drop the handle
    /// before the producer (librdkafka's termination order).
    pub unsafe fn new(rk: *mut rd_kafka_t, topic: &str) -> Result<TopicHandle> {
        let name = CString::new(topic)
            .map_err(|_| Error::new(Status::InvalidArg, format!("topic must not contain NUL (got {topic:?})")))?;
        // No topic config: the producer's default topic config (partitioner, acks…) applies.
        let rkt = unsafe { rd_kafka_topic_new(rk, name.as_ptr(), std::ptr::null_mut()) };
        NonNull::new(rkt).map(|rkt| TopicHandle { rkt }).ok_or_else(|| {
            let code = RDKafkaErrorCode::from(unsafe { rd_kafka_last_error() });
            Error::new(Status::InvalidArg, format!("librdkafka refused topic {topic:?}: {code}"))
        })
    }

    /// Enqueues one record, key and value copied by librdkafka; `opaque` comes back with its
    /// delivery report. A None key is a null key: librdkafka's partitioner treats it as unkeyed.
    #[inline]
    pub fn produce(&self, key: Option<&[u8]>, value: &[u8], opaque: usize) -> std::result::Result<(), RDKafkaErrorCode> {
        let status = unsafe {
            rd_kafka_produce(
                self.rkt.as_ptr(),
                UNASSIGNED_PARTITION,
                RD_KAFKA_MSG_F_COPY,
                value.as_ptr() as *mut c_void, // not written: F_COPY copies it
                value.len(),
                key.map_or(std::ptr::null(), <[u8]>::as_ptr).cast(),
                key.map_or(0, <[u8]>::len),
                opaque as *mut c_void,
            )
        };
        if status == 0 {
            Ok(())
        } else {
            // rd_kafka_produce reports its error through this thread's last-error slot.
            Err(RDKafkaErrorCode::from(unsafe { rd_kafka_last_error() }))
        }
    }
}

impl Drop for TopicHandle {
    fn drop(&mut self) {
        unsafe { rd_kafka_topic_destroy(self.rkt.as_ptr()) };
    }
}
