import { mergeSnapshots, summarize, toHdrHistogram } from '../../src/histogram/merge.js';
import { partitionForAsciiKey } from './murmur2.js';
import { BatchBuilder, unpackBatch } from '../../src/records/batch.js';
import { encoderFor, type RecordFormat } from '../../src/records/codec.js';
import { DeviceSimulator, newReading, type SensorReading } from '../../src/records/device.js';
import { regionBytesFor } from '../../src/shared/layout.js';
import { readRegion, RegionWriter, type RegionSnapshot } from '../../src/shared/region.js';
import type { SuiteUnit } from './types.js';
import { modelSuites } from './model-suites.js';
import { loadNative } from '../../src/native/load.js';
import { ConsumedRecordSink } from '../../src/verify/sink.js';
import { kConsumedAt, kConsumedHeaderBytes } from '../../src/clients/native-consumer.js';
import { schemaEncodingSuites } from './schema-suites.js';

/**
 * The micro benchmarks: each is one hot-path operation of a worker or the coordinator. Ops that
 * take tens of ns run `opsPerSample` times per tinybench sample, because timing a single call
 * would measure the clock (~30–50 ns a read) rather than the op; measure.ts divides it back out.
 */
export interface Suite {
  name: string;
  unit: SuiteUnit;
  opsPerSample: number;
  /** records one op stands for; undefined when an op is not records (a merge interval) */
  recordsPerOp?: number;
  run: () => void;
}

const kDevices = 100_000;
const kSeed = 42;
const kBatchRecords = 1_000;
const kFixedRecordBytes = 100;
const kPartitions = 6;
const kSentAtUs = 1_750_000_000_000_000; // a fixed wall-clock stamp: the clock is not what is measured

// Results land here so no benchmarked call is dead code to the JIT.
let sink = 0;
export const blackhole = (): number => sink;

/** 1,000 readings spread over the 100,000-device range (5-digit keys, seq 1, fractional battery). */
function sampleReadings(): SensorReading[] {
  const simulator = new DeviceSimulator(0, kDevices, kSeed);
  const readings: SensorReading[] = [];
  const stride = kDevices / kBatchRecords;
  for (let i = 0; i < 2 * kDevices; i++) {
    const reading = newReading();
    simulator.next(reading, kSentAtUs);
    if (i >= kDevices && i % stride === 0) readings.push(reading);
  }
  return readings;
}

/** Produce→ack latencies shaped like a loaded cluster: log-normal around 2 ms, tail to seconds. */
function latencyValuesUs(count: number, seed: number): Float64Array {
  let state = seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const normal = Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random());
    values[i] = Math.round(Math.exp(Math.log(2000) + 1.2 * normal));
  }
  return values;
}

function encodeSuite(format: RecordFormat, label: string, readings: readonly SensorReading[]): Suite {
  const encoder = encoderFor(format, kFixedRecordBytes);
  const batch = new BatchBuilder();
  return {
    name: `encode ${label}`,
    unit: 'record',
    opsPerSample: readings.length,
    recordsPerOp: 1,
    run: () => {
      batch.reset();
      for (let i = 0; i < readings.length; i++) encoder.append(batch, readings[i]!);
      sink += batch.count;
    },
  };
}

function histogramRecordSuite(): Suite {
  const writer = new RegionWriter(new SharedArrayBuffer(regionBytesFor(1)), 0);
  const values = latencyValuesUs(4096, kSeed);
  const opsPerSample = 1024;
  let cursor = 0;
  return {
    name: 'histogram record',
    unit: 'record',
    opsPerSample,
    recordsPerOp: 1,
    run: () => {
      const from = cursor;
      for (let i = 0; i < opsPerSample; i++) writer.recordLatencyUs(values[from + i]!);
      cursor = (from + opsPerSample) & (values.length - 1);
    },
  };
}

/** What the coordinator does each interval once it has the regions: merge, rebuild, percentiles. */
function histogramMergeSuite(): Suite {
  const workers = 4;
  const regions = new SharedArrayBuffer(regionBytesFor(workers));
  const snapshots: RegionSnapshot[] = [];
  for (let index = 0; index < workers; index++) {
    const writer = new RegionWriter(regions, index);
    for (const value of latencyValuesUs(100_000, kSeed + index)) writer.recordLatencyUs(value);
    snapshots.push(readRegion(regions, index));
  }
  return {
    name: 'histogram merge 4 regions',
    unit: 'interval',
    opsPerSample: 1,
    run: () => {
      sink += summarize(toHdrHistogram(mergeSnapshots(snapshots).counts)).p99;
    },
  };
}

function batchSuites(readings: readonly SensorReading[]): Suite[] {
  const encoder = encoderFor('fixed', kFixedRecordBytes);
  const batch = new BatchBuilder();
  const pack = (): Buffer => {
    batch.reset();
    for (let i = 0; i < readings.length; i++) encoder.append(batch, readings[i]!);
    return batch.view();
  };
  const packed = Buffer.from(pack()); // a copy: the pack suite reuses the builder's buffer
  return [
    {
      name: 'batch pack 1000 × 100 B',
      unit: 'batch',
      opsPerSample: 1,
      recordsPerOp: readings.length,
      run: () => {
        sink += pack().length;
      },
    },
    {
      name: 'batch unpack 1000 × 100 B',
      unit: 'batch',
      opsPerSample: 1,
      recordsPerOp: readings.length,
      run: () => {
        let bytes = 0;
        for (const record of unpackBatch(packed)) bytes += (record.key?.length ?? 0) + record.value.length;
        sink += bytes;
      },
    },
  ];
}

/**
 * What an --e2e consumer thread does per polled batch: walk it, decode device, seq and send time,
 * check the device's sequence, record e2e latency. The same 1,000 records (of 1,000 devices) each
 * round, rewritten in place with the next offsets and the next sequence number, so every one is read
 * (not skipped as a re-read) and extends its device's sequence range, as in a steady run.
 */
function absorbSuite(format: RecordFormat, label: string, readings: readonly SensorReading[]): Suite {
  const { packConsumedForTest } = loadNative();
  const encoder = encoderFor(format, kFixedRecordBytes);
  const batch = new BatchBuilder();
  for (const reading of readings) encoder.append(batch, reading);
  const records = [...unpackBatch(batch.view())].map((record, i) => ({ key: Buffer.from(record.key!), value: Buffer.from(record.value), partition: i % kPartitions, offset: 0, receivedAtUs: kSentAtUs + 2_000 }));
  const sink = new ConsumedRecordSink(format, null, new RegionWriter(new SharedArrayBuffer(regionBytesFor(1)), 0));
  let round = 0;
  const packed = packConsumedForTest(records);
  // Offsets of a round: rewrite the packed offsets in place (the f64 offset of each record's header;
  // these records carry no trace block).
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const headers: number[] = [];
  const seqAt: number[] = []; // where each value's seq is: u32 LE at +4 (fixed), u32 BE after the "seq" key (msgpack)
  const seqKey = Buffer.from([0xa3, 0x73, 0x65, 0x71, 0xce]);
  for (let at = 0; at < packed.length; at += kConsumedHeaderBytes + view.getUint32(at, true) + view.getUint32(at + 4, true)) {
    headers.push(at);
    const valueAt = at + kConsumedHeaderBytes + view.getUint32(at, true);
    seqAt.push(format === 'fixed' ? valueAt + 4 : packed.indexOf(seqKey, valueAt) + seqKey.length);
  }
  return {
    name: `e2e absorb ${label}`,
    unit: 'record',
    opsPerSample: readings.length,
    recordsPerOp: 1,
    run: () => {
      round++;
      for (let i = 0; i < headers.length; i++) {
        view.setFloat64(headers[i]! + kConsumedAt.offset, round * headers.length + i, true);
        view.setUint32(seqAt[i]!, round, format === 'fixed');
      }
      sink.absorb({ count: headers.length, packed });
    },
  };
}

function keyHashSuite(): Suite {
  const opsPerSample = 1000;
  let deviceId = 0;
  return {
    name: `key hash murmur2 → ${kPartitions} partitions`,
    unit: 'key',
    opsPerSample,
    recordsPerOp: 1, // one key per record
    run: () => {
      let partitions = 0;
      for (let i = 0; i < opsPerSample; i++) {
        partitions += partitionForAsciiKey(String(deviceId), kPartitions);
        deviceId = deviceId + 1 === kDevices ? 0 : deviceId + 1;
      }
      sink += partitions;
    },
  };
}

function deviceSuite(): Suite {
  const simulator = new DeviceSimulator(0, kDevices, kSeed);
  const reading = newReading();
  const opsPerSample = 1000;
  return {
    name: 'device simulation',
    unit: 'record',
    opsPerSample,
    recordsPerOp: 1,
    run: () => {
      for (let i = 0; i < opsPerSample; i++) simulator.next(reading, kSentAtUs);
      sink += reading.seq;
    },
  };
}

/** Builds every suite with its fixtures (a few tens of ms of setup, outside any measurement). */
export function createSuites(): Suite[] {
  const readings = sampleReadings();
  return [
    deviceSuite(),
    encodeSuite('iot-msgpack', 'iot-msgpack', readings),
    encodeSuite('iot-json', 'iot-json', readings),
    encodeSuite('fixed', `fixed ${kFixedRecordBytes} B`, readings),
    histogramRecordSuite(),
    histogramMergeSuite(),
    ...batchSuites(readings),
    keyHashSuite(),
    absorbSuite('iot-msgpack', 'iot-msgpack', readings),
    absorbSuite('fixed', `fixed ${kFixedRecordBytes} B`, readings),
    ...modelSuites(),
    ...schemaEncodingSuites(),
  ];
}
