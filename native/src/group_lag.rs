//! `NativeGroupLag`: how far another application's consumer group (a stream processor) is behind
//! on a topic: the group's committed offsets against the partitions' log-end offsets. A librdkafka
//! consumer created with that group.id that never subscribes can read the group's commits without
//! joining it (no rebalance of the processor's group), and the watermarks from the leaders.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use std::sync::Arc;

use napi::bindgen_prelude::AsyncTask;
use napi::{Env, Error, Result, Status, Task};
use napi_derive::napi;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

/// One partition of the watched topic: the group's committed offset (-1 when it has committed
/// none there) and the log-end offset (the next record's offset).
#[napi(object)]
pub struct GroupPartitionLag {
    pub partition: i32,
    pub committed: i64,
    pub end: i64,
}

/// Reads one group's committed offsets on one topic; never joins the group.
#[napi]
pub struct NativeGroupLag {
    consumer: Option<Arc<BaseConsumer>>,
    topic: String,
}

/// One `read`, run on libuv's thread pool: the coordinator's event loop never waits on a broker.
pub struct GroupLagJob {
    consumer: Arc<BaseConsumer>,
    topic: String,
    timeout_ms: u32,
}

impl Task for GroupLagJob {
    type Output = Vec<GroupPartitionLag>;
    type JsValue = Vec<GroupPartitionLag>;

    fn compute(&mut self) -> Result<Self::Output> {
        read_lag(&self.consumer, &self.topic, self.timeout_ms)
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(output)
    }
}

#[napi]
impl NativeGroupLag {
    /// `config`: librdkafka consumer properties with `group.id` = the group to watch (the run's
    /// connection settings); `topic`: the topic that group reads.
    #[napi(constructor)]
    pub fn new(config: HashMap<String, String>, topic: String) -> Result<Self> {
        if config.get("group.id").is_none_or(|group| group.is_empty()) {
            return Err(Error::new(Status::InvalidArg, "group.id names the group to watch".to_owned()));
        }
        let mut client_config = ClientConfig::new();
        for (key, value) in &config {
            client_config.set(key, value);
        }
        // Only reads: never commit anything in the watched group's name.
        client_config.set("enable.auto.commit", "false");
        let consumer: BaseConsumer = client_config.create().map_err(|error| match error {
            KafkaError::ClientConfig(_, reason, key, value) => {
                Error::new(Status::InvalidArg, format!("consumer property {key}={value} rejected: {}", reason.trim()))
            }
            other => Error::new(Status::InvalidArg, format!("librdkafka could not create the consumer: {other}")),
        })?;
        Ok(NativeGroupLag { consumer: Some(Arc::new(consumer)), topic })
    }

    /// Committed and log-end offsets of every partition of the topic, within `timeoutMs` in all
    /// (a Promise; rejects naming what did not answer).
    #[napi(ts_return_type = "Promise<Array<GroupPartitionLag>>")]
    pub fn read(&self, timeout_ms: u32) -> Result<AsyncTask<GroupLagJob>> {
        let consumer = self.consumer.as_ref().ok_or_else(|| Error::new(Status::GenericFailure, "closed".to_owned()))?;
        Ok(AsyncTask::new(GroupLagJob { consumer: Arc::clone(consumer), topic: self.topic.clone(), timeout_ms }))
    }

    /// Drops this handle's client (destroyed once no read is in flight); idempotent.
    #[napi]
    pub fn close(&mut self) {
        self.consumer = None;
    }
}

fn read_lag(consumer: &BaseConsumer, topic: &str, timeout_ms: u32) -> Result<Vec<GroupPartitionLag>> {
    let started = Instant::now();
    let timeout = Duration::from_millis(timeout_ms.into());
    let remaining = || timeout.saturating_sub(started.elapsed());
    let failed = |what: &str, error: KafkaError| {
        Error::new(Status::GenericFailure, format!("{what} of topic {topic} within {timeout_ms} ms: {error}"))
    };
    let metadata = consumer.fetch_metadata(Some(topic), remaining()).map_err(|error| failed("no metadata", error))?;
    let Some(found) = metadata.topics().iter().find(|found| found.name() == topic) else {
        return Err(Error::new(Status::GenericFailure, format!("topic {topic} is not in the cluster's metadata")));
    };
    let mut partitions: Vec<i32> = found.partitions().iter().map(|partition| partition.id()).collect();
    partitions.sort_unstable();
    let mut list = TopicPartitionList::new();
    for partition in &partitions {
        list.add_partition(topic, *partition);
    }
    let committed = consumer.committed_offsets(list, remaining()).map_err(|error| failed("no committed offsets", error))?;
    let mut lags = Vec::with_capacity(partitions.len());
    for partition in partitions {
        let (_, end) = consumer.fetch_watermarks(topic, partition, remaining()).map_err(|error| failed("no watermarks", error))?;
        let committed = match committed.find_partition(topic, partition).map(|element| element.offset()) {
            Some(Offset::Offset(offset)) => offset,
            _ => -1,
        };
        lags.push(GroupPartitionLag { partition, committed, end });
    }
    Ok(lags)
}
