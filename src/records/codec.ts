import { Unpackr } from 'msgpackr';
import { msgpackIotBytes, readMsgpackIdentity, writeMsgpackIot } from './msgpack-iot.js';
import type { SensorReading } from './device.js';
import { sensorTypeOf, statusOf } from './device.js';
import type { BatchBuilder } from './batch.js';

export type RecordFormat = 'iot-msgpack' | 'iot-json' | 'fixed';

/** What verification needs back from any record, whatever its format. */
export interface RecordIdentity {
  deviceId: number;
  seq: number;
  sentAtUs: number;
}

export interface RecordEncoder {
  /** Appends one reading to the batch under key = decimal device id (or a null key: --keys none). */
  append(batch: BatchBuilder, reading: SensorReading): void;
}

export type KeyMode = 'none' | 'device';

/**
 * Appends a reading's record header and key — its device id in decimal, or a null key (--keys
 * none) — reserving `valueBytes`; returns where the value goes.
 */
const addRecord = (batch: BatchBuilder, keyed: boolean, reading: SensorReading, valueBytes: number): number =>
  keyed ? batch.addDeviceRecord(reading.deviceId, valueBytes, reading.sentAtUs, reading.seq) : batch.add(null, valueBytes, reading.sentAtUs, reading.deviceId, reading.seq);

/** Field names of the Fluss IoT schema, plus seq and sent_at_us for integrity and latency. */
export function toDocument(reading: SensorReading): Record<string, unknown> {
  return {
    sensor_id: reading.deviceId,
    sensor_type: sensorTypeOf(reading),
    temperature: reading.temperature,
    humidity: reading.humidity,
    pressure: reading.pressure,
    battery_level: reading.batteryLevel,
    status: statusOf(reading),
    timestamp: Math.floor(reading.sentAtUs / 1000),
    seq: reading.seq,
    sent_at_us: reading.sentAtUs,
  };
}

class MsgpackEncoder implements RecordEncoder {
  constructor(private readonly keyed: boolean) {}
  append(batch: BatchBuilder, reading: SensorReading): void {
    const at = addRecord(batch, this.keyed, reading, msgpackIotBytes(reading));
    writeMsgpackIot(batch.dataView, batch.target, at, reading);
  }
}

class JsonEncoder implements RecordEncoder {
  constructor(private readonly keyed: boolean) {}
  append(batch: BatchBuilder, reading: SensorReading): void {
    // Every field is ASCII, so string length is byte length.
    const value = JSON.stringify(toDocument(reading));
    const at = addRecord(batch, this.keyed, reading, value.length);
    batch.target.write(value, at, 'latin1');
  }
}

/**
 * Fixed-size binary values for --record-size runs (the peers' 100-byte records). Little-endian:
 * u32 device | u32 seq | f64 sentAtUs | u8 sensorType | u8 status | u16 battery×100 |
 * f32 temperature | f32 humidity | f32 pressure | zero padding to the record size.
 */
export const kFixedHeaderBytes = 32;

class FixedEncoder implements RecordEncoder {
  constructor(
    private readonly recordSizeBytes: number,
    private readonly keyed: boolean,
  ) {}
  append(batch: BatchBuilder, reading: SensorReading): void {
    const at = addRecord(batch, this.keyed, reading, this.recordSizeBytes);
    const target = batch.target;
    const view = batch.dataView;
    view.setUint32(at, reading.deviceId, true);
    view.setUint32(at + 4, reading.seq, true);
    view.setFloat64(at + 8, reading.sentAtUs, true);
    target[at + 16] = reading.sensorTypeIndex;
    target[at + 17] = reading.statusIndex;
    view.setUint16(at + 18, Math.round(reading.batteryLevel * 100), true);
    view.setFloat32(at + 20, reading.temperature, true);
    view.setFloat32(at + 24, reading.humidity, true);
    view.setFloat32(at + 28, reading.pressure, true);
    // Small paddings as 8-byte stores: Buffer.fill's per-call cost outweighs a few dozen of them.
    const end = at + this.recordSizeBytes;
    if (this.recordSizeBytes <= 256) {
      let i = at + kFixedHeaderBytes;
      for (; i + 8 <= end; i += 8) view.setFloat64(i, 0);
      for (; i < end; i++) target[i] = 0;
    } else target.fill(0, at + kFixedHeaderBytes, end);
  }
}

export function encoderFor(format: RecordFormat, recordSizeBytes: number, keys: KeyMode = 'device'): RecordEncoder {
  const keyed = keys === 'device';
  switch (format) {
    case 'iot-msgpack':
      return new MsgpackEncoder(keyed);
    case 'iot-json':
      return new JsonEncoder(keyed);
    case 'fixed':
      return new FixedEncoder(recordSizeBytes, keyed);
  }
}

const unpackr = new Unpackr({ useRecords: false });

/** Reads device, sequence and send time back from a value; throws on a value of another format. */
export function decodeIdentity(format: RecordFormat, value: Uint8Array): RecordIdentity {
  if (format === 'fixed') {
    const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
    if (value.byteLength < kFixedHeaderBytes) throw new Error(`fixed record of ${value.byteLength} bytes is shorter than ${kFixedHeaderBytes}`);
    return { deviceId: view.getUint32(0, true), seq: view.getUint32(4, true), sentAtUs: view.getFloat64(8, true) };
  }
  if (format === 'iot-msgpack') {
    const identity = readMsgpackIdentity(value);
    if (identity) return identity;
  }
  const doc = (format === 'iot-json' ? JSON.parse(Buffer.from(value).toString('utf8')) : unpackr.unpack(value)) as Record<string, unknown>;
  const deviceId = doc['sensor_id'];
  const seq = doc['seq'];
  const sentAtUs = doc['sent_at_us'];
  if (typeof deviceId !== 'number' || typeof seq !== 'number' || typeof sentAtUs !== 'number') {
    throw new Error(`${format} record lacks sensor_id, seq or sent_at_us`);
  }
  return { deviceId, seq, sentAtUs };
}
