import type { BatchBuilder } from './batch.js';
import { encoderFor, type KeyMode, type RecordEncoder, type RecordFormat } from './codec.js';
import { DeviceSimulator, newReading, type SensorReading } from './device.js';

/**
 * What a producer thread asks for its shard's records: the next one, due at `intendedSendUs`,
 * appended to the batch (key, value and identity). The built-in IoT reading is one kind; a device
 * model is another. The send loops (workers/producer.ts, src/load/fixed-rate.ts) know only this.
 */
export interface RecordWriter {
  append(batch: BatchBuilder, intendedSendUs: number): void;
}

/** The built-in IoT simulator and one of its encodings (iot-msgpack, iot-json, fixed). */
export class IotRecordWriter implements RecordWriter {
  private readonly simulator: DeviceSimulator;
  private readonly encoder: RecordEncoder;
  private readonly reading: SensorReading = newReading();

  constructor(shard: { firstDevice: number; deviceCount: number }, seed: number, format: RecordFormat, recordSizeBytes: number, keys: KeyMode) {
    this.simulator = new DeviceSimulator(shard.firstDevice, shard.deviceCount, seed);
    this.encoder = encoderFor(format, recordSizeBytes, keys);
  }

  append(batch: BatchBuilder, intendedSendUs: number): void {
    this.simulator.next(this.reading, intendedSendUs);
    this.encoder.append(batch, this.reading);
  }
}
