import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { NativeConsumerClient } from '../src/clients/native-consumer.js';
import { loadNative } from '../src/native/load.js';
import { StampedeError } from '../src/errors.js';
import type { E2eConsumerTask, E2eConsumerTaskResult } from '../src/contracts/e2e-consumer-task.js';
import { kConsumerAssignedBase, kConsumerReadyBase, kConsumerStopSlot } from '../src/shared/layout.js';
import { RegionWriter } from '../src/shared/region.js';
import { ConsumedRecordSink } from '../src/verify/sink.js';
import { crashNow } from '../src/contracts/test-crash.js';
import { ConsumerGate } from '../src/consume/consumer-gate.js';
import { runStartOffsets } from '../src/consume/start-offsets.js';
import { SharedOffsets } from '../src/verify/shared-offsets.js';
import { StageSink, traceReaderFor } from '../src/consume/stage-sink.js';
import { registerSchemaEncodings } from '../src/encodings/model-encodings.js';

// A model's avro and protobuf values are written (and read back for --e2e) in this thread.
registerSchemaEncodings();

const kJoinTimeoutMs = 30_000;
const kPollRecords = 10_000;
const kPollTimeoutMs = 50;

/** Piscina task: one member of the run's consumer group, until the coordinator says stop. */
export default async function consumeForRun(task: E2eConsumerTask): Promise<E2eConsumerTaskResult> {
  const control = new Int32Array(task.control);
  const region = new RegionWriter(task.regions, task.index);
  let client: NativeConsumerClient | undefined;
  try {
    client = new NativeConsumerClient(
      // earliest + the start watermarks below: every record of the run is read, none from before it.
      // Offsets are committed so that after a rebalance (a broker restart moves the group
      // coordinator) the group resumes where it was instead of from the earliest offset; whatever
      // is delivered again is recognised by its offset (ConsumedRecordSink.reread).
      { 'auto.offset.reset': 'earliest', 'enable.auto.commit': 'true', 'auto.commit.interval.ms': '1000', ...task.librdkafka, 'group.id': task.groupId },
      task.topic,
    );
    await client.waitForAssignment(kJoinTimeoutMs);
    // Producers start only after every consumer is ready, so these are the run's first offsets.
    const startOffsets = runStartOffsets(task, () => new Map([...client!.endOffsets(kJoinTimeoutMs)].map(([partition, { high }]) => [partition, high])));
    const positions = new SharedOffsets(task.positions);
    const stage = task.stage;
    const sink = stage ? new StageSink(stage.name, stage.trace, traceReaderFor(stage.trace, stage.runId), startOffsets, region, positions, stage) : new ConsumedRecordSink(task.format, startOffsets, region, positions, undefined, task.identity);
    const gate = new ConsumerGate(control, task.index);
    gate.apply(client, client.assignment());
    Atomics.store(control, kConsumerReadyBase + task.index, 1);
    const readyAtMs = performance.now();
    const cpuAtReady = consumerCpuUs(client);
    while (Atomics.load(control, kConsumerStopSlot) === 0 && !gate.retired) {
      if (task.crash && performance.now() - readyAtMs >= task.crash.afterMs) crashNow(task.crash, `consumer thread ${task.index}`);
      const assignment = client.assignment();
      Atomics.store(control, kConsumerAssignedBase + task.index, assignment.length);
      gate.apply(client, assignment);
      const batch = client.poll(kPollRecords, kPollTimeoutMs);
      if (batch) sink.absorb(batch);
      else await yieldToLoop();
    }
    const cpuAtStop = consumerCpuUs(client);
    const exported = sink.tracker.export();
    return {
      ok: true,
      trackerDeviceIds: exported.deviceIds,
      trackerStates: exported.states,
      partitionCounts: [...sink.partitionCounts],
      decodeErrors: sink instanceof ConsumedRecordSink ? sink.decodeErrors : 0,
      firstDecodeError: sink instanceof ConsumedRecordSink ? (sink.firstDecodeError ?? null) : null,
      skippedOlder: sink.skippedOlder,
      reread: sink.reread,
      cpuUs: { polling: cpuAtReady.polling < 0 ? -1 : cpuAtStop.polling - cpuAtReady.polling, librdkafka: cpuAtReady.librdkafka < 0 ? -1 : cpuAtStop.librdkafka - cpuAtReady.librdkafka },
      ...(sink instanceof StageSink ? { foreign: sink.foreign, traced: sink.traced, unidentified: sink.unidentified } : {}),
    };
  } catch (err) {
    const error = err instanceof StampedeError ? err : new StampedeError('E_WORKER', (err as Error)?.message ?? String(err), { exitCode: 1 });
    return { ok: false, code: error.code, message: `consumer ${task.index}: ${error.message}`, exitCode: error.exitCode };
  } finally {
    client?.close();
    Atomics.store(control, kConsumerAssignedBase + task.index, 0);
    region.markDone();
  }
}

/** This thread's CPU µs and the consumer's librdkafka threads' (-1 where a clock is missing). */
function consumerCpuUs(client: NativeConsumerClient): { polling: number; librdkafka: number } {
  return { polling: loadNative().threadCpuMicros(), librdkafka: client.librdkafkaCpuMicros() };
}
