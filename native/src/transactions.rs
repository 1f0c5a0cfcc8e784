//! Kafka transactions on a `NativeProducer` (`run --transactional`): librdkafka's
//! transactional API called from the worker thread between two batches. The worker thread blocks in
//! these calls; the delivery-report thread of producer.rs keeps serving reports meanwhile, so acks and
//! produce→ack latency are counted as in any run, by one writer.

use std::ffi::CStr;
use std::time::{Duration, Instant};

use napi::{Error, Result, Status};
use napi_derive::napi;
use rdkafka::bindings as rdsys;
use rdkafka::producer::BaseProducer;

use crate::producer::NativeProducer;
use crate::reporter::Reporter;

/// How `commitTransaction` ended: its commit markers are written (read_committed consumers see its
/// records), or the commit failed with an abortable error (a record of it failed) and it was aborted.
const COMMITTED: &str = "committed";
const ABORTED: &str = "aborted";

/// What librdkafka said about a failed transactional call, taken from its `rd_kafka_error_t`.
struct TxnError {
    message: String,
    fatal: bool,
    retriable: bool,
    requires_abort: bool,
}

/// Takes ownership of `error` (destroys it); None when the call succeeded.
///
/// # Safety
/// `error` is null or an error librdkafka returned and nobody else destroys.
unsafe fn take_error(error: *mut rdsys::rd_kafka_error_t) -> Option<TxnError> {
    if error.is_null() {
        return None;
    }
    let text = |ptr: *const std::os::raw::c_char| if ptr.is_null() { String::new() } else { CStr::from_ptr(ptr).to_string_lossy().into_owned() };
    let taken = TxnError {
        message: format!("{}: {}", text(rdsys::rd_kafka_error_name(error)), text(rdsys::rd_kafka_error_string(error))),
        fatal: rdsys::rd_kafka_error_is_fatal(error) != 0,
        retriable: rdsys::rd_kafka_error_is_retriable(error) != 0,
        requires_abort: rdsys::rd_kafka_error_txn_requires_abort(error) != 0,
    };
    rdsys::rd_kafka_error_destroy(error);
    Some(taken)
}

fn failure(call: &str, error: &TxnError) -> Error {
    let kind = if error.fatal { " (fatal: the producer is fenced or unusable)" } else { "" };
    Error::new(Status::GenericFailure, format!("{call} failed{kind}: {}", error.message))
}

fn remaining_ms(deadline: Instant) -> i32 {
    i32::try_from(deadline.saturating_duration_since(Instant::now()).as_millis()).unwrap_or(i32::MAX)
}

/// Retries a transactional call while librdkafka calls its error retriable, until the deadline.
fn with_retries(deadline: Instant, mut attempt: impl FnMut(i32) -> *mut rdsys::rd_kafka_error_t) -> std::result::Result<(), TxnError> {
    loop {
        // SAFETY: each attempt returns a fresh error (or null) that only take_error destroys.
        match unsafe { take_error(attempt(remaining_ms(deadline))) } {
            None => return Ok(()),
            Some(error) if error.retriable && !error.fatal && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Some(error) => return Err(error),
        }
    }
}

/// Waits until every record handed to librdkafka is acknowledged or failed; our delivery-report
/// thread serves the reports meanwhile (rd_kafka_flush only waits in event mode, see producer.rs).
fn flush(producer: &BaseProducer<Reporter>, deadline: Instant) -> Result<()> {
    // SAFETY: the producer is alive for the call (borrowed from the running NativeProducer).
    let code = unsafe { rdsys::rd_kafka_flush(producer_ptr(producer), remaining_ms(deadline)) };
    match code {
        rdsys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR => Ok(()),
        other => Err(Error::new(Status::GenericFailure, format!("flush before ending the transaction failed: {}", rdkafka::error::RDKafkaErrorCode::from(other)))),
    }
}

fn producer_ptr(producer: &BaseProducer<Reporter>) -> *mut rdsys::rd_kafka_t {
    use rdkafka::producer::Producer;
    producer.client().native_ptr()
}

#[napi]
impl NativeProducer {
    /// Registers this producer's `transactional.id` (set in its config) with the transaction
    /// coordinator, fencing older producers of the same id. Call once before the first
    /// `beginTransaction`. Blocks up to `timeoutMs`; throws naming librdkafka's error.
    #[napi]
    pub fn init_transactions(&self, timeout_ms: u32) -> Result<()> {
        let producer = self.base_producer()?;
        let deadline = Instant::now() + Duration::from_millis(timeout_ms.into());
        with_retries(deadline, |remaining| unsafe { rdsys::rd_kafka_init_transactions(producer_ptr(producer), remaining) })
            .map_err(|error| failure("initTransactions", &error))
    }

    /// Starts a transaction: every record enqueued until it ends belongs to it. Local, no round trip.
    #[napi]
    pub fn begin_transaction(&self) -> Result<()> {
        let producer = self.base_producer()?;
        // SAFETY: the producer is alive; the returned error is destroyed by take_error.
        match unsafe { take_error(rdsys::rd_kafka_begin_transaction(producer_ptr(producer))) } {
            None => Ok(()),
            Some(error) => Err(failure("beginTransaction", &error)),
        }
    }

    /// Commits the current transaction: waits for its records to be acknowledged, then writes the
    /// commit markers. Blocks up to `timeoutMs`. When librdkafka says the transaction must be aborted
    /// (a record of it failed), aborts it and returns "aborted" (else "committed"); throws on a fatal error (fenced).
    ///
    /// Calls rd_kafka_commit_transaction directly: rdkafka's BaseProducer::commit_transaction polls
    /// on the calling thread first, which would make this thread a second writer of the region.
    #[napi(ts_return_type = "'committed' | 'aborted'")]
    pub fn commit_transaction(&self, timeout_ms: u32) -> Result<String> {
        let producer = self.base_producer()?;
        let deadline = Instant::now() + Duration::from_millis(timeout_ms.into());
        let committed = with_retries(deadline, |remaining| unsafe { rdsys::rd_kafka_commit_transaction(producer_ptr(producer), remaining) });
        match committed {
            Ok(()) => Ok(COMMITTED.to_owned()),
            Err(error) if error.requires_abort && !error.fatal => {
                self.reporter_ref().remember_error(format!("a transaction was aborted because its commit failed: {}", error.message));
                with_retries(deadline, |remaining| unsafe { rdsys::rd_kafka_abort_transaction(producer_ptr(producer), remaining) })
                    .map_err(|error| failure("abortTransaction", &error))?;
                Ok(ABORTED.to_owned())
            }
            Err(error) => Err(failure("commitTransaction", &error)),
        }
    }

    /// Aborts the current transaction on purpose (`--abort-rate`). Flushes first, so each of its
    /// records is acknowledged, in the log, before the abort marker: the case an "aborted read"
    /// check must catch, and no record is purged (no failure counted). Blocks up to `timeoutMs`.
    #[napi]
    pub fn abort_transaction(&self, timeout_ms: u32) -> Result<()> {
        let producer = self.base_producer()?;
        let deadline = Instant::now() + Duration::from_millis(timeout_ms.into());
        flush(producer, deadline)?;
        with_retries(deadline, |remaining| unsafe { rdsys::rd_kafka_abort_transaction(producer_ptr(producer), remaining) })
            .map_err(|error| failure("abortTransaction", &error))
    }
}
