import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from '../src/clients/create.js';
import type { ProducerClient } from '../src/clients/types.js';
import { StampedeError } from '../src/errors.js';
import { ArrivalSchedule } from '../src/records/arrival.js';
import { RateProfile } from '../src/records/rate-profile.js';
import { BatchBuilder } from '../src/records/batch.js';
import { recordWriterFor } from '../src/models/writer-for.js';
import { sendAhead, sendInSlices, type FixedRateSender } from '../src/load/fixed-rate.js';
import type { ProducerTask, ProducerTaskResult } from '../src/contracts/producer-task.js';
import { wallClockUs } from '../src/runtime.js';
import { kGoFlagSlot, kGoOffsetUsSlot, kReadyCountSlot, kStopFlagSlot } from '../src/shared/layout.js';
import { RegionWriter } from '../src/shared/region.js';
import { crashNow } from '../src/contracts/test-crash.js';
import { ThreadCpuWriter } from '../src/load/thread-cpu.js';
import { ErrorCodeTimeline } from '../src/load/error-code-timeline.js';
import { transactionDriverFor, type TransactionDriver } from '../src/load/transaction-driver.js';
import { transactionalIdOf } from '../src/options/transactions.js';
import { registerSchemaEncodings } from '../src/encodings/model-encodings.js';

// A model's avro and protobuf values are written (and read back for --e2e) in this thread.
registerSchemaEncodings();

/** Piscina task: produce this shard's records until told to stop or its quota is sent. */
export default async function produceShard(task: ProducerTask): Promise<ProducerTaskResult> {
  const region = new RegionWriter(task.regions, task.shard.index);
  const publishDelays = new RegionWriter(task.publishDelays, task.shard.index);
  const control = new Int32Array(task.control);
  const rate = task.shard.rateRecordsPerSec;
  let sent = 0;
  let outcome: ProducerTaskResult;
  let client: ProducerClient | undefined;
  let schedule: ArrivalSchedule | undefined;
  let transactions: TransactionDriver | undefined;
  let errorCodes: ErrorCodeTimeline | undefined;
  try {
    client = createClient(task.client, {
      topic: task.topic,
      librdkafka: task.transactions ? { ...task.librdkafka, 'transactional.id': transactionalIdOf(task.transactions.runNonce, task.shard.index) } : task.librdkafka,
      region,
      trackLatency: task.trackLatency,
      ...(task.traceRunId === undefined ? {} : { traceRunId: task.traceRunId }),
      // At a fixed rate a client that can pace natively does (and writes publish delay itself).
      ...(rate === undefined ? {} : { publishDelays }),
    });
    await client.connect();
    // This thread's CPU, written after each batch: the coordinator's proof the generator kept up.
    const threadCpu = new ThreadCpuWriter(task.threadStats, task.shard.index);
    const writeThreadCpu = (): void => threadCpu.write();
    transactions = task.transactions ? transactionDriverFor(client, task.transactions, task.seed, task.shard.index) : undefined;
    // Thread start-up and connection time stay out of the measurement: report ready, wait for go.
    Atomics.add(control, kReadyCountSlot, 1);
    while (Atomics.load(control, kGoFlagSlot) === 0 && Atomics.load(control, kStopFlagSlot) === 0) await sleep(1);
    // Every fixed-rate schedule, and the error-code reads, count from the coordinator's go.
    const goWallUs = task.controlBaseWallUs + Atomics.load(control, kGoOffsetUsSlot);
    const codesOf = client.deliveryErrors?.bind(client);
    if (task.errorCodesEveryMs !== undefined && codesOf) {
      errorCodes = new ErrorCodeTimeline(() => codesOf().errorsByCode, goWallUs, task.errorCodesEveryMs);
      errorCodes.start();
    }
    const records = recordWriterFor(task);
    const builder = new BatchBuilder(undefined, task.traceRunId !== undefined);
    const quota = task.shard.records ?? Number.POSITIVE_INFINITY;
    const startedAtMs = performance.now();
    let stallPending = task.stall !== undefined;
    const stallIfDue = async (): Promise<void> => {
      if (task.crash && performance.now() - startedAtMs >= task.crash.afterMs) crashNow(task.crash, `producer thread ${task.shard.index}`);
      if (stallPending && performance.now() - startedAtMs >= task.stall!.afterMs) {
        // Fault injection: the schedule runs on while the sender sleeps, as a GC pause or a
        // descheduled thread would make it; what follows shows whether latency is measured honestly.
        stallPending = false;
        await sleep(task.stall!.stallMs);
      }
    };
    const stopped = (): boolean => Atomics.load(control, kStopFlagSlot) !== 0;

    if (rate !== undefined) {
      // Open loop: each record is due at its place in the arrival schedule, whether or not we kept
      // up; it carries that intended time, and latency is measured from it (coordinated omission).
      // Due from the coordinator's go, as the measured window is: noticing it late makes records late.
      schedule = new ArrivalSchedule(task.arrival, task.loadSchedule ? scheduleProfile(task.loadSchedule, rate) : rate, goWallUs, task.seed + task.shard.index);
      const sender: FixedRateSender = {
        client,
        schedule,
        records,
        builder,
        region,
        publishDelays,
        batchRecords: task.batchRecords,
        quota,
        stopped,
        stallIfDue,
        afterBatch: writeThreadCpu,
      };
      sent = client.sendPaced ? await sendAhead(sender) : await sendInSlices(sender);
      // A schedule's own rate is judged by its integral (the coordinator has it), not per worker.
      if (task.loadSchedule) schedule = undefined;
    } else {
      while (sent < quota && !stopped()) {
        await stallIfDue();
        const count = Math.min(task.batchRecords, quota - sent, transactions?.roomRecords() ?? Number.POSITIVE_INFINITY);
        transactions?.beforeBatch(sent);
        builder.reset();
        // As fast as possible: one stamp per batch is every record's send time.
        const sentAtUs = Math.round(wallClockUs());
        for (let i = 0; i < count; i++) records.append(builder, sentAtUs);
        region.addSent(count);
        sent += count;
        const sendStartedMs = performance.now();
        await client.send({ packed: builder.view(), count, payloadBytes: builder.payloadBytes, handedAtMs: sendStartedMs, handedAtWallUs: wallClockUs(), fromIntended: false });
        region.addSendMicros((performance.now() - sendStartedMs) * 1000);
        threadCpu.write();
        transactions?.afterBatch(count);
      }
    }
    transactions?.finish();
    await client.flush(task.flushTimeoutMs);
    threadCpu.write();
    const settledAtWallUs = wallClockUs();
    outcome = { ok: true, sent, settledAtWallUs, ...(schedule ? { scheduledRecordsPerSec: schedule.realizedRecordsPerSec() } : {}) };
  } catch (err) {
    const error = err instanceof StampedeError ? err : new StampedeError('E_WORKER', (err as Error)?.message ?? String(err), { exitCode: 1 });
    outcome = { ok: false, sent, code: error.code, message: `worker ${task.shard.index}: ${error.message}`, exitCode: error.exitCode };
    transactions?.abandon();
  } finally {
    try {
      await client?.close();
    } finally {
      region.markDone();
    }
  }
  // After close: records purged unsent at close are among the failures by code.
  const deliveryErrors = client?.deliveryErrors?.();
  const errorCodeTimeline = errorCodes?.stop();
  const ledger = transactions?.report();
  return { ...outcome, ...(deliveryErrors ? { deliveryErrors } : {}), ...(errorCodeTimeline ? { errorCodeTimeline } : {}), ...(ledger ? { transactions: ledger } : {}) };
}

/** This worker's part of a load schedule: warmup at the first level, then the schedule, scaled by its share of the peak. */
function scheduleProfile(plan: NonNullable<ProducerTask['loadSchedule']>, shardRecordsPerSec: number): RateProfile {
  return new RateProfile(plan.segments).after(plan.warmupMs, plan.warmupRecordsPerSec).scaled(shardRecordsPerSec / plan.peakRecordsPerSec);
}
