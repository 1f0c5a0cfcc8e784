//! `NativeAdmin`: the coordinator's admin client (cluster metadata, topic creation and deletion)
//! over librdkafka, so it connects with the same TLS and SASL settings as every producer and
//! consumer. Each call runs on libuv's thread pool and returns a Promise; the JS thread never blocks.
//!
//! Connection failures are classified while a call waits, from librdkafka's own log and error
//! events: an authentication or TLS failure ends the wait at once instead of timing out. A rejected
//! call's message is `<kind>: <librdkafka's reason>`, kind one of `unreachable`, `tls`, `auth`,
//! `authorization`, `kafka`, so the TypeScript side can word it for the user.

use std::collections::HashMap;
use std::ffi::CStr;
use std::os::raw::c_char;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_executor::block_on;
use napi::bindgen_prelude::{AsyncTask, ToNapiValue, TypeName};
use napi::{Env, Error, Result, Status, Task};
use napi_derive::napi;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::bindings as rdsys;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::metadata::Metadata;
use rdkafka::types::RDKafkaRespErr;
use rdkafka::{ClientConfig, ClientContext};

/// How long one metadata request may take inside a longer wait: short, so a failure that arrives
/// meanwhile (authentication, TLS) is noticed within about this long.
const ATTEMPT: Duration = Duration::from_millis(1_000);

/// What went wrong reaching the cluster, worst first: an authentication or TLS failure will not
/// heal by waiting, an unreachable broker might.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum FailureKind {
    Unreachable,
    Tls,
    Auth,
}

impl FailureKind {
    fn label(self) -> &'static str {
        match self {
            FailureKind::Unreachable => "unreachable",
            FailureKind::Tls => "tls",
            FailureKind::Auth => "auth",
        }
    }

    /// Classifies a librdkafka log line or error string; None for lines that say nothing about
    /// the connection.
    fn of_text(text: &str) -> Option<FailureKind> {
        let lower = text.to_ascii_lowercase();
        if lower.contains("ssl handshake failed") || lower.contains("certificate verify failed") || lower.contains("ssl routines") {
            Some(FailureKind::Tls)
        } else if lower.contains("sasl") && (lower.contains("authentication") || lower.contains("handshake"))
            || lower.contains("authentication failed")
        {
            Some(FailureKind::Auth)
        } else if lower.contains("connect to")
            || lower.contains("connection refused")
            || lower.contains("failed to resolve")
            || lower.contains("disconnected")
            || lower.contains("timed out")
            || lower.contains("all broker connections are down")
            || lower.contains("brokers are down")
        {
            Some(FailureKind::Unreachable)
        } else {
            None
        }
    }
}

/// The admin client's context: keeps the worst connection failure librdkafka reported.
pub struct AdminContext {
    failure: Mutex<Option<(FailureKind, String)>>,
}

impl AdminContext {
    fn note(&self, kind: FailureKind, reason: &str) {
        if let Ok(mut failure) = self.failure.lock() {
            // Worst kind wins; within a kind the first reason, unless that was only the summary
            // "1/1 brokers are down", which says less than the disconnect behind it.
            let replace = failure.as_ref().is_none_or(|(seen, said)| kind > *seen || (kind == *seen && said.contains("brokers are down")));
            if replace {
                *failure = Some((kind, reason.trim().to_owned()));
            }
        }
    }

    fn note_text(&self, text: &str) {
        if let Some(kind) = FailureKind::of_text(text) {
            self.note(kind, text);
        }
    }

    fn failure(&self) -> Option<(FailureKind, String)> {
        self.failure.lock().ok().and_then(|failure| failure.clone())
    }

    fn clear(&self) {
        if let Ok(mut failure) = self.failure.lock() {
            *failure = None;
        }
    }
}

impl ClientContext for AdminContext {
    fn log(&self, level: RDKafkaLogLevel, _facility: &str, message: &str) {
        if !matches!(level, RDKafkaLogLevel::Debug) {
            self.note_text(message);
        }
    }

    fn error(&self, error: KafkaError, reason: &str) {
        // The text first: librdkafka reports a failed TLS handshake on a SASL_SSL listener with
        // the _AUTHENTICATION code, though no login was tried.
        let kind = FailureKind::of_text(reason).or(match error.rdkafka_error_code() {
            Some(RDKafkaErrorCode::Authentication) => Some(FailureKind::Auth),
            Some(RDKafkaErrorCode::SSL) => Some(FailureKind::Tls),
            _ => None,
        });
        if let Some(kind) = kind {
            self.note(kind, reason);
        }
    }
}

struct Inner {
    admin: AdminClient<AdminContext>,
    /// STAMPEDE_DEBUG_LIBRDKAFKA set: every log and error event goes to stderr, to troubleshoot a connection.
    trace: bool,
}

impl Inner {
    /// Serves the client's main queue (where log and error events land, since the rdkafka crate
    /// routes logs there) for up to `wait`; the admin client has no other poller of it.
    fn serve_events(&self, wait: Duration) {
        let rk = self.admin.inner().native_ptr();
        // SAFETY: the queue reference is taken and released here while `self.admin` keeps the
        // client alive; every event polled is destroyed.
        unsafe {
            let queue = rdsys::rd_kafka_queue_get_main(rk);
            let mut timeout_ms = wait.as_millis() as i32;
            loop {
                let event = rdsys::rd_kafka_queue_poll(queue, timeout_ms);
                if event.is_null() {
                    break;
                }
                self.serve_event(event);
                rdsys::rd_kafka_event_destroy(event);
                timeout_ms = 0;
            }
            rdsys::rd_kafka_queue_destroy(queue);
        }
    }

    unsafe fn serve_event(&self, event: *mut rdsys::rd_kafka_event_t) {
        let context = self.admin.inner().context();
        match rdsys::rd_kafka_event_type(event) {
            rdsys::RD_KAFKA_EVENT_LOG => {
                let mut facility: *const c_char = std::ptr::null();
                let mut text: *const c_char = std::ptr::null();
                let mut level: i32 = 0;
                if rdsys::rd_kafka_event_log(event, &mut facility, &mut text, &mut level) == 0 && !text.is_null() {
                    let text = CStr::from_ptr(text).to_string_lossy();
                    if self.trace {
                        eprintln!("librdkafka log {level}: {text}");
                    }
                    // Syslog levels: 6 is info, lower is worse; debug lines say nothing final.
                    if level <= 6 {
                        context.note_text(&text);
                    }
                }
            }
            rdsys::RD_KAFKA_EVENT_ERROR => {
                let code = rdsys::rd_kafka_event_error(event);
                let reason = rdsys::rd_kafka_event_error_string(event);
                let reason = if reason.is_null() { String::new() } else { CStr::from_ptr(reason).to_string_lossy().into_owned() };
                if self.trace {
                    eprintln!("librdkafka error {}: {reason}", code as i32);
                }
                context.error(KafkaError::Global(code.into()), &reason);
            }
            _ => {}
        }
    }

    /// Metadata for one topic (or the cluster's brokers only), retried in short attempts until
    /// `timeout`; returns early with the failure when authentication or TLS fails.
    fn metadata(&self, topic: Option<&str>, timeout: Duration) -> Result<Metadata> {
        let deadline = Instant::now() + timeout;
        let context = self.admin.inner().context();
        context.clear();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let attempt = left.min(ATTEMPT).max(Duration::from_millis(1));
            let outcome = self.admin.inner().fetch_metadata(topic, attempt);
            self.serve_events(Duration::ZERO);
            match outcome {
                Ok(metadata) => return Ok(metadata),
                Err(error) => {
                    if let Some((kind, reason)) = context.failure() {
                        if kind != FailureKind::Unreachable {
                            return Err(failure(kind.label(), &reason));
                        }
                    }
                    if Instant::now() >= deadline {
                        let reason = context.failure().map_or_else(|| error.to_string(), |(_, reason)| reason);
                        return Err(failure("unreachable", &reason));
                    }
                    // A refused connection fails at once: pace the retries (librdkafka backs off too).
                    self.serve_events(Duration::from_millis(100).min(left));
                }
            }
        }
    }
}

fn failure(kind: &str, reason: &str) -> Error {
    Error::new(Status::GenericFailure, format!("{kind}: {reason}"))
}

fn kafka_failure(code: RDKafkaErrorCode, what: &str) -> Error {
    let kind = match code {
        RDKafkaErrorCode::TopicAuthorizationFailed
        | RDKafkaErrorCode::ClusterAuthorizationFailed
        | RDKafkaErrorCode::GroupAuthorizationFailed => "authorization",
        _ => "kafka",
    };
    failure(kind, &format!("{what}: {code} ({})", code as i32))
}

/// A broker of the cluster, as its metadata names it.
#[napi(object)]
pub struct BrokerInfo {
    pub id: i32,
    pub host: String,
    pub port: i32,
}

/// The cluster as one metadata response describes it.
#[napi(object)]
pub struct ClusterInfo {
    pub brokers: Vec<BrokerInfo>,
    /// The broker that answered, as librdkafka names it (e.g. `127.0.0.1:9092/1`).
    pub answered_by: String,
}

/// One topic's state in the cluster's metadata.
#[napi(object)]
pub struct TopicState {
    /// False when the cluster does not know the topic.
    pub exists: bool,
    pub partitions: u32,
    /// Partitions without a leader yet (a topic just created), or with an error.
    pub leaderless: u32,
}

/// One admin call, run on libuv's thread pool.
pub struct AdminJob<T> {
    work: Option<Box<dyn FnOnce() -> Result<T> + Send>>,
}

impl<T> AdminJob<T> {
    fn new(work: impl FnOnce() -> Result<T> + Send + 'static) -> AsyncTask<AdminJob<T>>
    where
        T: Send + ToNapiValue + TypeName + 'static,
    {
        AsyncTask::new(AdminJob { work: Some(Box::new(work)) })
    }
}

impl<T: Send + ToNapiValue + TypeName + 'static> Task for AdminJob<T> {
    type Output = T;
    type JsValue = T;

    fn compute(&mut self) -> Result<T> {
        match self.work.take() {
            Some(work) => work(),
            None => Err(Error::new(Status::GenericFailure, "admin call ran twice".to_owned())),
        }
    }

    fn resolve(&mut self, _env: Env, output: T) -> Result<T> {
        Ok(output)
    }
}

/// librdkafka's admin client with stampede's connection settings.
#[napi]
pub struct NativeAdmin {
    inner: Option<Arc<Inner>>,
}

#[napi]
impl NativeAdmin {
    /// `config`: librdkafka client properties (`bootstrap.servers` at least, plus any security
    /// settings). Throws InvalidArg naming the property librdkafka rejects. Connects lazily.
    #[napi(constructor)]
    pub fn new(config: HashMap<String, String>) -> Result<Self> {
        let mut client_config = ClientConfig::new();
        for (key, value) in &config {
            client_config.set(key, value);
        }
        // Info, not warning: a plaintext client on a TLS port is told "might be caused by incorrect
        // security.protocol configuration" only at info level (a connection close).
        client_config.set_log_level(RDKafkaLogLevel::Info);
        let admin: AdminClient<AdminContext> = client_config
            .create_with_context(AdminContext { failure: Mutex::new(None) })
            .map_err(|error| match error {
                KafkaError::ClientConfig(_, reason, key, value) => {
                    Error::new(Status::InvalidArg, format!("property {key}={value} rejected: {}", reason.trim()))
                }
                other => Error::new(Status::InvalidArg, format!("librdkafka could not create the admin client: {other}")),
            })?;
        let trace = std::env::var_os("STAMPEDE_DEBUG_LIBRDKAFKA").is_some();
        Ok(NativeAdmin { inner: Some(Arc::new(Inner { admin, trace })) })
    }

    /// Resolves with the cluster's brokers once one answers a metadata request; rejects with
    /// `unreachable: …`, `tls: …` or `auth: …` (see the module docs) within `timeoutMs`.
    #[napi(ts_return_type = "Promise<ClusterInfo>")]
    pub fn connect(&self, timeout_ms: u32) -> Result<AsyncTask<AdminJob<ClusterInfo>>> {
        let inner = self.inner()?;
        Ok(AdminJob::new(move || {
            let metadata = inner.metadata(None, Duration::from_millis(timeout_ms.into()))?;
            Ok(ClusterInfo {
                brokers: metadata
                    .brokers()
                    .iter()
                    .map(|broker| BrokerInfo { id: broker.id(), host: broker.host().to_owned(), port: broker.port() })
                    .collect(),
                answered_by: metadata.orig_broker_name().to_owned(),
            })
        }))
    }

    /// Resolves with the topic's state; `exists: false` when the cluster does not know it. Rejects
    /// with `authorization: …` when the principal may not describe it.
    #[napi(ts_return_type = "Promise<TopicState>")]
    pub fn describe_topic(&self, topic: String, timeout_ms: u32) -> Result<AsyncTask<AdminJob<TopicState>>> {
        let inner = self.inner()?;
        Ok(AdminJob::new(move || {
            let metadata = inner.metadata(Some(&topic), Duration::from_millis(timeout_ms.into()))?;
            let Some(found) = metadata.topics().iter().find(|candidate| candidate.name() == topic) else {
                return Ok(TopicState { exists: false, partitions: 0, leaderless: 0 });
            };
            match found.error() {
                None => Ok(TopicState {
                    exists: true,
                    partitions: found.partitions().len() as u32,
                    leaderless: found.partitions().iter().filter(|p| p.leader() < 0 || p.error().is_some()).count() as u32,
                }),
                Some(RDKafkaRespErr::RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) => {
                    Ok(TopicState { exists: false, partitions: 0, leaderless: 0 })
                }
                // Just created: the metadata may not have its partitions yet.
                Some(RDKafkaRespErr::RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE) => {
                    Ok(TopicState { exists: true, partitions: found.partitions().len() as u32, leaderless: found.partitions().len().max(1) as u32 })
                }
                Some(code) => Err(kafka_failure(code.into(), &format!("topic {topic}"))),
            }
        }))
    }

    /// Creates a topic; resolves true when created, false when it already existed. A replication
    /// factor of -1 asks for the broker's default (CreateTopics v4+, Kafka 2.4+). `config`: topic
    /// settings (retention.ms, min.insync.replicas, …). Rejects with `authorization: …` when the
    /// principal may not create it, `kafka: …` naming the broker's reason otherwise.
    #[napi(ts_return_type = "Promise<boolean>")]
    pub fn create_topic(
        &self,
        topic: String,
        partitions: i32,
        replication_factor: i32,
        config: HashMap<String, String>,
        timeout_ms: u32,
    ) -> Result<AsyncTask<AdminJob<bool>>> {
        let inner = self.inner()?;
        Ok(AdminJob::new(move || {
            let timeout = Duration::from_millis(timeout_ms.into());
            // Reaching the cluster first turns a TLS or login failure into its own message.
            inner.metadata(None, timeout)?;
            let new_topic = config
                .iter()
                .fold(NewTopic::new(&topic, partitions, TopicReplication::Fixed(replication_factor)), |new_topic, (key, value)| new_topic.set(key, value));
            let options = AdminOptions::new().request_timeout(Some(timeout)).operation_timeout(Some(timeout));
            let results = block_on(inner.admin.create_topics([&new_topic], &options))
                .map_err(|error| failure("kafka", &format!("creating topic {topic}: {error}")))?;
            match results.into_iter().next() {
                Some(Ok(_)) => Ok(true),
                Some(Err((_, RDKafkaErrorCode::TopicAlreadyExists))) => Ok(false),
                Some(Err((_, code))) => Err(kafka_failure(code, &format!("creating topic {topic}"))),
                None => Err(failure("kafka", &format!("creating topic {topic}: no result"))),
            }
        }))
    }

    /// Deletes topics; ones the cluster does not know are skipped. Resolves with how many were deleted.
    #[napi(ts_return_type = "Promise<number>")]
    pub fn delete_topics(&self, topics: Vec<String>, timeout_ms: u32) -> Result<AsyncTask<AdminJob<u32>>> {
        let inner = self.inner()?;
        Ok(AdminJob::new(move || {
            let timeout = Duration::from_millis(timeout_ms.into());
            let names: Vec<&str> = topics.iter().map(String::as_str).collect();
            let options = AdminOptions::new().request_timeout(Some(timeout)).operation_timeout(Some(timeout));
            let results = block_on(inner.admin.delete_topics(&names, &options))
                .map_err(|error| failure("kafka", &format!("deleting topics: {error}")))?;
            let mut deleted = 0;
            for result in results {
                match result {
                    Ok(_) => deleted += 1,
                    Err((_, RDKafkaErrorCode::UnknownTopicOrPartition)) => {}
                    Err((name, code)) => return Err(kafka_failure(code, &format!("deleting topic {name}"))),
                }
            }
            Ok(deleted)
        }))
    }

    /// Destroys the client (librdkafka's threads end once no call is running). Idempotent.
    #[napi]
    pub fn close(&mut self) {
        self.inner = None;
    }

    fn inner(&self) -> Result<Arc<Inner>> {
        self.inner.clone().ok_or_else(|| Error::new(Status::GenericFailure, "the admin client is closed".to_owned()))
    }
}
