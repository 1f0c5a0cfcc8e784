//! The librdkafka group consumer under `NativeConsumer`, set up for batch reads: rebalances and
//! errors are served by callbacks (not events), so `rd_kafka_consume_batch_queue` can take
//! thousands of records per call while still running the group protocol on the polling thread.
//! (The rdkafka crate's BaseConsumer turns on the event API, under which a batch read would answer
//! a rebalance with an empty assignment, and its poll takes one event, one Arc and one clock read
//! per record.)

use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::sync::Mutex;

use napi::{Error, Result, Status};
use rdkafka::bindings as rdsys;
use rdkafka::client::Client;
use rdkafka::error::KafkaError;
use rdkafka::types::{RDKafkaRespErr, RDKafkaType};
use rdkafka::{ClientConfig, ClientContext};

/// The consumer's context: remembers librdkafka's last error for `lastError`.
pub struct Watcher {
    last_error: Mutex<Option<String>>,
}

impl Watcher {
    pub fn remember_error(&self, message: String) {
        if let Ok(mut last) = self.last_error.lock() {
            *last = Some(message);
        }
    }

    pub fn last_error(&self) -> Option<String> {
        self.last_error.lock().ok().and_then(|last| last.clone())
    }
}

impl ClientContext for Watcher {}

/// Error events (broker down, unknown topic, fatal errors) with librdkafka's own message; served
/// on the polling thread, inside the batch read. `opaque` is the client's Watcher.
unsafe extern "C" fn on_error(_rk: *mut rdsys::rd_kafka_t, code: c_int, reason: *const c_char, opaque: *mut c_void) {
    if opaque.is_null() {
        return;
    }
    // SAFETY: the opaque is the Arc'd Watcher of the client, alive as long as the handle.
    let watcher = unsafe { &*(opaque as *const Watcher) };
    let reason = if reason.is_null() { String::new() } else { unsafe { CStr::from_ptr(reason) }.to_string_lossy().trim().to_owned() };
    // Checked, not transmuted: a code this build's bindings do not list (a newer librdkafka's)
    // would be an invalid enum value, which is undefined behaviour in Rust.
    let message = match RDKafkaRespErr::try_from(code) {
        Ok(known) => format!("{}: {reason}", KafkaError::Global(known.into())),
        Err(_) => format!("librdkafka error {code}: {reason}"),
    };
    watcher.remember_error(message);
}

/// librdkafka's log lines are not printed (as under the rdkafka crate without a logger): what a
/// user needs reaches them through errors and `lastError`.
unsafe extern "C" fn on_log(_rk: *const rdsys::rd_kafka_t, _level: c_int, _facility: *const c_char, _line: *const c_char) {}

/// The default rebalance: take what the group assigns, give up what it revokes; incrementally
/// under a cooperative protocol (cooperative-sticky, or the KIP-848 consumer protocol).
unsafe extern "C" fn on_rebalance(rk: *mut rdsys::rd_kafka_t, code: RDKafkaRespErr, partitions: *mut rdsys::rd_kafka_topic_partition_list_t, opaque: *mut c_void) {
    // SAFETY: rk and the list are librdkafka's for the length of this callback.
    unsafe {
        let protocol = rdsys::rd_kafka_rebalance_protocol(rk);
        let cooperative = !protocol.is_null() && CStr::from_ptr(protocol).to_bytes() == b"COOPERATIVE";
        let assigning = code == RDKafkaRespErr::RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS;
        let failure = if cooperative {
            let error = if assigning { rdsys::rd_kafka_incremental_assign(rk, partitions) } else { rdsys::rd_kafka_incremental_unassign(rk, partitions) };
            if error.is_null() {
                None
            } else {
                let text = CStr::from_ptr(rdsys::rd_kafka_error_string(error)).to_string_lossy().into_owned();
                rdsys::rd_kafka_error_destroy(error);
                Some(text)
            }
        } else {
            let code = rdsys::rd_kafka_assign(rk, if assigning { partitions } else { std::ptr::null_mut() });
            (code != RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR).then(|| KafkaError::Global(code.into()).to_string())
        };
        if let (Some(text), false) = (failure, opaque.is_null()) {
            (*(opaque as *const Watcher)).remember_error(format!("rebalance: {text}"));
        }
    }
}

/// A subscribed group consumer and its consumer queue (where fetched records, rebalances and
/// errors arrive once the main queue is forwarded to it).
pub struct Handle {
    client: Client<Watcher>,
    queue: *mut rdsys::rd_kafka_queue_t,
    /// Dropped after the client (field order): librdkafka's threads report to it until they end.
    threads: Box<ThreadClocks>,
}

impl Handle {
    /// Creates the consumer and subscribes it to `topics`. InvalidArg names a property librdkafka
    /// rejects or a topic it cannot subscribe to.
    pub fn subscribe(config: &HashMap<String, String>, topics: &[String]) -> Result<Handle> {
        let mut client_config = ClientConfig::new();
        for (key, value) in config {
            client_config.set(key, value);
        }
        let native_config = client_config.create_native_config().map_err(config_error)?;
        let threads = Box::<ThreadClocks>::default();
        // SAFETY: the configuration is ours until Client::new hands it to rd_kafka_new; the
        // interceptor's opaque (the boxed ThreadClocks) lives in the handle, past rd_kafka_destroy.
        unsafe {
            rdsys::rd_kafka_conf_interceptor_add_on_new(native_config.ptr(), INTERCEPTOR_NAME.as_ptr(), Some(on_new), &*threads as *const ThreadClocks as *mut c_void);
            rdsys::rd_kafka_conf_set_error_cb(native_config.ptr(), Some(on_error));
            rdsys::rd_kafka_conf_set_log_cb(native_config.ptr(), Some(on_log));
            rdsys::rd_kafka_conf_set_rebalance_cb(native_config.ptr(), Some(on_rebalance));
        }
        let watcher = Watcher { last_error: Mutex::new(None) };
        let client = Client::new(&client_config, native_config, RDKafkaType::RD_KAFKA_CONSUMER, watcher).map_err(config_error)?;
        let rk = client.native_ptr();
        // SAFETY: rk is live; the queue reference is released in Drop before the client goes.
        let queue = unsafe {
            rdsys::rd_kafka_poll_set_consumer(rk);
            rdsys::rd_kafka_queue_get_consumer(rk)
        };
        if queue.is_null() {
            return Err(Error::new(Status::InvalidArg, "librdkafka gave the consumer no queue".to_owned()));
        }
        let handle = Handle { client, queue, threads };
        let list = PartitionList::new(topics.len());
        for topic in topics {
            let name = CString::new(topic.as_str()).map_err(|_| Error::new(Status::InvalidArg, format!("topic {topic:?} holds a NUL")))?;
            // SAFETY: the list is ours; librdkafka copies the name.
            unsafe { rdsys::rd_kafka_topic_partition_list_add(list.ptr, name.as_ptr(), -1) };
        }
        // SAFETY: rk is live and the list outlives the call.
        let code = unsafe { rdsys::rd_kafka_subscribe(rk, list.ptr) };
        if code != RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR {
            return Err(Error::new(Status::InvalidArg, format!("could not subscribe to {}: {}", topics.join(", "), KafkaError::Global(code.into()))));
        }
        Ok(handle)
    }

    pub fn client(&self) -> &Client<Watcher> {
        &self.client
    }

    pub fn rk(&self) -> *mut rdsys::rd_kafka_t {
        self.client.native_ptr()
    }

    pub fn queue(&self) -> *mut rdsys::rd_kafka_queue_t {
        self.queue
    }

    /// CPU µs librdkafka's threads of this consumer have used so far (-1: no thread clocks here).
    pub fn librdkafka_cpu_micros(&self) -> f64 {
        self.threads.cpu_micros()
    }

    pub fn watcher(&self) -> &Watcher {
        self.client.context()
    }

    /// The partitions assigned to this member now.
    pub fn assignment(&self) -> Result<PartitionList> {
        let mut list: *mut rdsys::rd_kafka_topic_partition_list_t = std::ptr::null_mut();
        // SAFETY: rk is live; the list librdkafka returns is ours to destroy (PartitionList).
        let code = unsafe { rdsys::rd_kafka_assignment(self.rk(), &mut list) };
        if code != RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR || list.is_null() {
            return Err(Error::new(Status::GenericFailure, format!("could not read the assignment: {}", KafkaError::Global(code.into()))));
        }
        Ok(PartitionList { ptr: list })
    }

    /// The assignment with each partition's application position (the next offset to read).
    pub fn positions(&self) -> Result<PartitionList> {
        let list = self.assignment()?;
        // SAFETY: rk is live; librdkafka writes the offsets into our list.
        let code = unsafe { rdsys::rd_kafka_position(self.rk(), list.ptr) };
        if code != RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR {
            return Err(Error::new(Status::GenericFailure, format!("could not read the positions: {}", KafkaError::Global(code.into()))));
        }
        Ok(list)
    }
}

impl Drop for Handle {
    /// Leaves the group (revocation served by the rebalance callback, offsets committed when
    /// auto-commit is on); the client's drop then joins librdkafka's threads.
    fn drop(&mut self) {
        // SAFETY: the queue reference is ours; rk is live until the client drops after this.
        unsafe {
            rdsys::rd_kafka_queue_destroy(self.queue);
            rdsys::rd_kafka_consumer_close(self.client.native_ptr());
        }
    }
}

/// A topic-partition list this side owns.
pub struct PartitionList {
    pub ptr: *mut rdsys::rd_kafka_topic_partition_list_t,
}

impl PartitionList {
    pub fn new(capacity: usize) -> PartitionList {
        // SAFETY: a fresh list, destroyed in Drop.
        PartitionList { ptr: unsafe { rdsys::rd_kafka_topic_partition_list_new(capacity.max(1) as c_int) } }
    }

    pub fn elements(&self) -> &[rdsys::rd_kafka_topic_partition_t] {
        // SAFETY: elems holds cnt initialised entries while the list lives.
        unsafe {
            let list = &*self.ptr;
            if list.cnt <= 0 || list.elems.is_null() {
                return &[];
            }
            std::slice::from_raw_parts(list.elems, list.cnt as usize)
        }
    }
}

impl Drop for PartitionList {
    fn drop(&mut self) {
        // SAFETY: the list is ours.
        unsafe { rdsys::rd_kafka_topic_partition_list_destroy(self.ptr) };
    }
}

fn config_error(error: KafkaError) -> Error {
    match error {
        KafkaError::ClientConfig(_, reason, key, value) => Error::new(Status::InvalidArg, format!("consumer property {key}={value} rejected: {}", reason.trim())),
        other => Error::new(Status::InvalidArg, format!("librdkafka could not create the consumer: {other}")),
    }
}

/// CPU clocks of the consumer's own librdkafka threads (main, broker and internal threads), kept by
/// an interceptor as librdkafka starts and ends them: what the consumer costs beyond the thread
/// that polls it, told apart from a producer's librdkafka threads in the same process.
#[derive(Default)]
pub struct ThreadClocks {
    /// (pthread id, its CPU clock id) of each running thread
    live: Mutex<Vec<(u64, i32)>>,
    /// CPU ns of threads that have ended, each read by the thread itself as it ended
    ended_ns: std::sync::atomic::AtomicU64,
}

#[cfg(target_os = "linux")]
mod clocks {
    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }
    extern "C" {
        fn pthread_self() -> u64;
        fn pthread_getcpuclockid(thread: u64, clock: *mut i32) -> i32;
        fn clock_gettime(clock: i32, out: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;

    /// This thread's id and the clock other threads read its CPU time from.
    pub fn this_thread() -> Option<(u64, i32)> {
        let mut clock = 0;
        // SAFETY: pthread_self is always valid; the out-pointer is a local.
        let thread = unsafe { pthread_self() };
        (unsafe { pthread_getcpuclockid(thread, &mut clock) } == 0).then_some((thread, clock))
    }

    pub fn read_ns(clock: i32) -> Option<u64> {
        let mut now = Timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: clock_gettime writes one timespec.
        (unsafe { clock_gettime(clock, &mut now) } == 0).then_some(now.tv_sec as u64 * 1_000_000_000 + now.tv_nsec as u64)
    }

    pub fn own_ns() -> Option<u64> {
        read_ns(CLOCK_THREAD_CPUTIME_ID)
    }
}

#[cfg(not(target_os = "linux"))]
mod clocks {
    pub fn this_thread() -> Option<(u64, i32)> {
        None
    }
    pub fn read_ns(_clock: i32) -> Option<u64> {
        None
    }
    pub fn own_ns() -> Option<u64> {
        None
    }
}

impl ThreadClocks {
    /// CPU µs these threads have used so far; -1 where thread CPU clocks are not available.
    pub fn cpu_micros(&self) -> f64 {
        if cfg!(not(target_os = "linux")) {
            return -1.0;
        }
        let ended = self.ended_ns.load(std::sync::atomic::Ordering::Relaxed);
        let live: u64 = self.live.lock().map(|live| live.iter().filter_map(|&(_, clock)| clocks::read_ns(clock)).sum()).unwrap_or(0);
        (ended + live) as f64 / 1_000.0
    }
}

unsafe extern "C" fn on_thread_start(_rk: *mut rdsys::rd_kafka_t, _kind: rdsys::rd_kafka_thread_type_t, _name: *const c_char, opaque: *mut c_void) -> RDKafkaRespErr {
    // SAFETY: the opaque is the handle's ThreadClocks, alive until after rd_kafka_destroy.
    let threads = unsafe { &*(opaque as *const ThreadClocks) };
    if let (Some(entry), Ok(mut live)) = (clocks::this_thread(), threads.live.lock()) {
        live.push(entry);
    }
    RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR
}

unsafe extern "C" fn on_thread_exit(_rk: *mut rdsys::rd_kafka_t, _kind: rdsys::rd_kafka_thread_type_t, _name: *const c_char, opaque: *mut c_void) -> RDKafkaRespErr {
    // SAFETY: as on_thread_start.
    let threads = unsafe { &*(opaque as *const ThreadClocks) };
    if let (Some((thread, _)), Some(used)) = (clocks::this_thread(), clocks::own_ns()) {
        threads.ended_ns.fetch_add(used, std::sync::atomic::Ordering::Relaxed);
        if let Ok(mut live) = threads.live.lock() {
            live.retain(|&(other, _)| other != thread);
        }
    }
    RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR
}

/// Adds the thread interceptors to the new client (librdkafka calls this before it starts a thread).
unsafe extern "C" fn on_new(rk: *mut rdsys::rd_kafka_t, _conf: *const rdsys::rd_kafka_conf_t, opaque: *mut c_void, _errstr: *mut c_char, _errstr_size: usize) -> RDKafkaRespErr {
    // SAFETY: rk is the client being created; the name is copied by librdkafka.
    unsafe {
        rdsys::rd_kafka_interceptor_add_on_thread_start(rk, INTERCEPTOR_NAME.as_ptr(), Some(on_thread_start), opaque);
        rdsys::rd_kafka_interceptor_add_on_thread_exit(rk, INTERCEPTOR_NAME.as_ptr(), Some(on_thread_exit), opaque);
    }
    RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR
}

const INTERCEPTOR_NAME: &CStr = c"stampede-thread-cpu";
