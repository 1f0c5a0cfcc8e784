import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from '../src/clients/create.js';
import type { ProducerClient } from '../src/clients/types.js';
import { StampedeError } from '../src/errors.js';
import { BatchBuilder } from '../src/records/batch.js';
import { encoderFor } from '../src/records/codec.js';
import { DeviceSimulator, newReading } from '../src/records/device.js';
import type { ProducerTask, ProducerTaskResult } from '../src/run/task.js';
import { wallClockUs } from '../src/runtime.js';
import { kGoFlagSlot, kReadyCountSlot, kStopFlagSlot } from '../src/shared/layout.js';
import { RegionWriter } from '../src/shared/region.js';

const kPacingSliceSec = 0.01; // at a fixed rate, send 10 ms worth per batch so the rate stays smooth

/** Piscina task: produce this shard's records until told to stop or its quota is sent. */
export default async function produceShard(task: ProducerTask): Promise<ProducerTaskResult> {
  const region = new RegionWriter(task.regions, task.shard.index);
  const publishDelays = new RegionWriter(task.publishDelays, task.shard.index);
  const control = new Int32Array(task.control);
  let sent = 0;
  let client: ProducerClient | undefined;
  try {
    client = createClient(task.client, { topic: task.topic, librdkafka: task.librdkafka, region, trackLatency: task.trackLatency });
    await client.connect();
    // Thread start-up and connection time stay out of the measurement: report ready, wait for go.
    Atomics.add(control, kReadyCountSlot, 1);
    while (Atomics.load(control, kGoFlagSlot) === 0 && Atomics.load(control, kStopFlagSlot) === 0) await sleep(1);
    const simulator = new DeviceSimulator(task.shard.firstDevice, task.shard.deviceCount, task.seed);
    const encoder = encoderFor(task.format, task.recordSizeBytes);
    const builder = new BatchBuilder();
    const reading = newReading();
    const quota = task.shard.records ?? Number.POSITIVE_INFINITY;
    const rate = task.shard.rateRecordsPerSec;
    const batchRecords = rate === undefined ? task.batchRecords : Math.max(1, Math.min(task.batchRecords, Math.ceil(rate * kPacingSliceSec)));
    const startedAtMs = performance.now();
    const startedAtWallUs = wallClockUs();
    let stallPending = task.stall !== undefined;

    while (sent < quota && Atomics.load(control, kStopFlagSlot) === 0) {
      if (stallPending && performance.now() - startedAtMs >= task.stall!.afterMs) {
        // Fault injection: the schedule runs on while the sender sleeps, as a GC pause or a
        // descheduled thread would make it; what follows shows whether latency is measured honestly.
        stallPending = false;
        await sleep(task.stall!.stallMs);
      }
      const count = Math.min(batchRecords, quota - sent);
      builder.reset();
      if (rate === undefined) {
        // As fast as possible: one stamp per batch is every record's send time.
        const sentAtUs = Math.round(wallClockUs());
        for (let i = 0; i < count; i++) {
          simulator.next(reading, sentAtUs);
          encoder.append(builder, reading);
        }
      } else {
        // Open loop: record n is due at start + n / rate, whether or not we kept up; its send
        // timestamp is that intended time, so latency measured from it is corrected for coordinated omission.
        const dueAtMs = startedAtMs + (sent / rate) * 1000;
        const waitMs = dueAtMs - performance.now();
        if (waitMs >= 1) await sleep(waitMs);
        for (let i = 0; i < count; i++) {
          simulator.next(reading, Math.round(startedAtWallUs + ((sent + i) / rate) * 1e6));
          encoder.append(builder, reading);
        }
      }
      const handedAtWallUs = wallClockUs();
      if (rate !== undefined) {
        // Record i of this batch was due at start + (sent + i) / rate: derive it, don't re-read the batch.
        for (let i = 0; i < count; i++) publishDelays.recordLatencyUs(Math.max(0, handedAtWallUs - (startedAtWallUs + ((sent + i) / rate) * 1e6)));
      }
      region.addSent(count);
      sent += count;
      const sendStartedMs = performance.now();
      await client.send({
        packed: builder.view(),
        count,
        payloadBytes: builder.payloadBytes,
        handedAtMs: performance.now(),
        handedAtWallUs,
        fromIntended: rate !== undefined,
      });
      region.addSendMicros((performance.now() - sendStartedMs) * 1000);
    }
    await client.flush(task.flushTimeoutMs);
    return { ok: true, sent };
  } catch (err) {
    const error = err instanceof StampedeError ? err : new StampedeError('E_WORKER', (err as Error)?.message ?? String(err), { exitCode: 1 });
    return { ok: false, sent, code: error.code, message: `worker ${task.shard.index}: ${error.message}`, exitCode: error.exitCode };
  } finally {
    try {
      await client?.close();
    } finally {
      region.markDone();
    }
  }
}
