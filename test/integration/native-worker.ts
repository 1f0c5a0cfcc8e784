// Worker-thread entry for native.test.ts: one shard produced with NativeClient into its own region,
// the loop of workers/producer.ts without the pacing (createClient does not know 'native' yet).
import { wallClockUs } from '../../src/runtime.js';
import { parentPort, workerData } from 'node:worker_threads';
import { NativeClient } from '../../src/clients/native-client.js';
import { BatchBuilder } from '../../src/records/batch.js';
import { encoderFor, type RecordFormat } from '../../src/records/codec.js';
import { DeviceSimulator, newReading } from '../../src/records/device.js';
import { RegionWriter } from '../../src/shared/region.js';

export interface NativeShardTask {
  bootstrap: string;
  topic: string;
  librdkafka: Record<string, string>;
  regions: SharedArrayBuffer;
  index: number;
  firstDevice: number;
  deviceCount: number;
  records: number;
  batchRecords: number;
  format: RecordFormat;
}

export interface NativeShardResult {
  sent: number;
  payloadBytes: number;
}

const task = workerData as NativeShardTask;
const region = new RegionWriter(task.regions, task.index);
const client = new NativeClient({ topic: task.topic, librdkafka: task.librdkafka, region, trackLatency: true });
try {
  await client.connect();
  const simulator = new DeviceSimulator(task.firstDevice, task.deviceCount, 7);
  const encoder = encoderFor(task.format, 100);
  const builder = new BatchBuilder();
  const reading = newReading();
  let sent = 0;
  let payloadBytes = 0;
  while (sent < task.records) {
    const count = Math.min(task.batchRecords, task.records - sent);
    builder.reset();
    const sentAtUs = Math.round((performance.timeOrigin + performance.now()) * 1000);
    for (let i = 0; i < count; i++) {
      simulator.next(reading, sentAtUs);
      encoder.append(builder, reading);
    }
    region.addSent(count);
    sent += count;
    payloadBytes += builder.payloadBytes;
    await client.send({ packed: builder.view(), count, payloadBytes: builder.payloadBytes, handedAtMs: performance.now(), handedAtWallUs: wallClockUs(), fromIntended: false });
  }
  await client.flush(60_000);
  parentPort!.postMessage({ sent, payloadBytes } satisfies NativeShardResult);
} finally {
  await client.close();
  region.markDone();
}
