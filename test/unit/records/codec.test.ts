import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BatchBuilder, unpackBatch } from '../../../src/records/batch.js';
import { decodeIdentity, encoderFor, toDocument, type RecordFormat } from '../../../src/records/codec.js';
import { DeviceSimulator, newReading, SENSOR_TYPES, STATUSES } from '../../../src/records/device.js';
import { Packr, Unpackr } from 'msgpackr';
import { readMsgpackIdentity } from '../../../src/records/msgpack-iot.js';

test('devices are walked round-robin with contiguous sequence numbers', () => {
  const simulator = new DeviceSimulator(100, 3, 1);
  const reading = newReading();
  const seen: [number, number][] = [];
  for (let i = 0; i < 7; i++) {
    simulator.next(reading, 0);
    seen.push([reading.deviceId, reading.seq]);
  }
  assert.equal(seen, [[100, 0], [101, 0], [102, 0], [100, 1], [101, 1], [102, 1], [100, 2]]);
});

test('the simulator is deterministic from its seed and range', () => {
  const sample = (seed: number) => {
    const simulator = new DeviceSimulator(0, 10, seed);
    const reading = newReading();
    const values: number[] = [];
    for (let i = 0; i < 20; i++) {
      simulator.next(reading, 0);
      values.push(reading.temperature, reading.humidity, reading.pressure);
    }
    return values;
  };
  assert.equal(sample(5), sample(5));
  assert.not.equal(sample(5), sample(6));
});

for (const format of ['iot-msgpack', 'iot-json', 'fixed'] as RecordFormat[]) {
  test(`${format}: records pack into one batch and decode back to device, seq and send time`, () => {
    const encoder = encoderFor(format, 100);
    const builder = new BatchBuilder(64); // small on purpose: the builder must grow
    const simulator = new DeviceSimulator(7, 5, 1);
    const reading = newReading();
    for (let i = 0; i < 12; i++) {
      simulator.next(reading, 1_700_000_000_000_000 + i);
      encoder.append(builder, reading);
    }
    const records = [...unpackBatch(builder.view())];
    assert.is(records.length, 12);
    assert.is(builder.count, 12);
    records.forEach((record, i) => {
      const identity = decodeIdentity(format, record.value);
      assert.is(record.key?.toString(), String(7 + (i % 5)));
      assert.equal(identity, { deviceId: 7 + (i % 5), seq: Math.floor(i / 5), sentAtUs: 1_700_000_000_000_000 + i });
      assert.is(record.intendedSendUs, 1_700_000_000_000_000 + i);
      if (format === 'fixed') assert.is(record.value.length, 100);
    });
    assert.is(builder.payloadBytes, records.reduce((total, r) => total + (r.key?.length ?? 0) + r.value.length, 0));
  });
}

for (const format of ['iot-msgpack', 'iot-json', 'fixed'] as RecordFormat[]) {
  test(`${format} with --keys none: null keys, and values byte-identical to the keyed ones`, () => {
    const encode = (keys: 'none' | 'device') => {
      const simulator = new DeviceSimulator(7, 5, 3);
      const encoder = encoderFor(format, 100, keys);
      const builder = new BatchBuilder(64);
      const reading = newReading();
      for (let i = 0; i < 12; i++) {
        simulator.next(reading, 1_700_000_000_000_000 + i);
        encoder.append(builder, reading);
      }
      return { records: [...unpackBatch(builder.view())], payloadBytes: builder.payloadBytes };
    };
    const keyed = encode('device');
    const unkeyed = encode('none');
    assert.ok(unkeyed.records.every((record) => record.key === null));
    assert.equal(unkeyed.records.map((record) => record.value), keyed.records.map((record) => record.value));
    assert.is(unkeyed.payloadBytes, unkeyed.records.reduce((total, record) => total + record.value.length, 0));
  });
}

test('iot-msgpack values are plain MessagePack maps with the IoT schema', () => {
  const builder = new BatchBuilder();
  const reading = newReading();
  new DeviceSimulator(42, 1, 1).next(reading, 1_000_000);
  encoderFor('iot-msgpack', 0).append(builder, reading);
  const [record] = [...unpackBatch(builder.view())];
  const doc = new Unpackr({ useRecords: false }).unpack(record!.value) as Record<string, unknown>;
  assert.equal(Object.keys(doc), ['sensor_id', 'sensor_type', 'temperature', 'humidity', 'pressure', 'battery_level', 'status', 'timestamp', 'seq', 'sent_at_us']);
  assert.is(doc['sensor_id'], 42);
  assert.is(doc['timestamp'], 1000);
});

test('the template MessagePack writer decodes to exactly the document msgpackr would pack', () => {
  const unpackr = new Unpackr({ useRecords: false });
  const builder = new BatchBuilder(256);
  const encoder = encoderFor('iot-msgpack', 0);
  const simulator = new DeviceSimulator(0, 300, 9);
  const reading = newReading();
  const expected: Record<string, unknown>[] = [];
  // Device ids and sequence numbers across every integer width, past 32 bits too; send times past 2^32 µs.
  for (const deviceId of [0, 127, 128, 255, 256, 65_535, 65_536, 4_294_967_295, 4_294_967_296]) {
    simulator.next(reading, 1_763_000_000_123_456);
    reading.deviceId = deviceId;
    reading.seq = deviceId;
    reading.batteryLevel = deviceId % 2 === 0 ? 100 : 99.9;
    expected.push(toDocument(reading));
    encoder.append(builder, reading);
  }
  const records = [...unpackBatch(builder.view())];
  assert.equal(records.map((record) => unpackr.unpack(record.value) as Record<string, unknown>), expected);
  assert.equal(records.map((record) => record.key!.toString()), expected.map((doc) => String(doc['sensor_id'])));
});

test('template MessagePack: random readings decode (msgpackr) to the values they were written from', () => {
  const unpackr = new Unpackr({ useRecords: false });
  const builder = new BatchBuilder(256);
  const encoder = encoderFor('iot-msgpack', 0);
  const reading = newReading();
  let state = 12345;
  const random = (): number => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 4294967296;
  };
  const expected: Record<string, unknown>[] = [];
  for (let i = 0; i < 2_000; i++) {
    reading.deviceId = Math.floor(random() * 2 ** (1 + Math.floor(random() * 32)));
    reading.seq = Math.floor(random() * 2 ** (1 + Math.floor(random() * 32)));
    reading.sentAtUs = Math.round(1_700_000_000_000_000 + random() * 1e14);
    reading.sensorTypeIndex = i % SENSOR_TYPES.length;
    reading.statusIndex = Math.floor(random() * STATUSES.length);
    // Whole numbers, two-decimal readings, negatives and extremes.
    const values = [0, 20, -3.25, 18 + 12 * random(), Math.round(random() * 1e6) / 100, -1e300, Number.MAX_SAFE_INTEGER, 5e-324];
    reading.temperature = values[i % values.length]!;
    reading.humidity = values[(i + 3) % values.length]!;
    reading.pressure = 990 + 40 * random();
    reading.batteryLevel = Math.max(0, 100 - (i % 1000) / 10);
    expected.push(toDocument(reading));
    encoder.append(builder, reading);
  }
  const records = [...unpackBatch(builder.view())];
  assert.is(records.length, expected.length);
  records.forEach((record, i) => {
    assert.equal(unpackr.unpack(record.value), expected[i], `record ${i}`);
    assert.is(record.key!.toString(), String(expected[i]!['sensor_id']));
    assert.equal(readMsgpackIdentity(record.value), { deviceId: expected[i]!['sensor_id'], seq: expected[i]!['seq'], sentAtUs: expected[i]!['sent_at_us'] });
  });
  assert.is(builder.payloadBytes, records.reduce((total, r) => total + r.key!.length + r.value.length, 0));
});

test('device keys are the decimal id, at every digit count', () => {
  const builder = new BatchBuilder(64);
  const ids = [0, 9, 10, 99, 100, 99_999, 100_000, 999_999_999, 1_000_000_000, 4_294_967_295];
  for (const id of ids) builder.addDeviceRecord(id, 0, 1);
  assert.equal([...unpackBatch(builder.view())].map((record) => record.key!.toString('latin1')), ids.map(String));
});

test('the identity reader agrees with a full decode, for our maps and for msgpackr\'s', () => {
  const packr = new Packr({ useRecords: false });
  const builder = new BatchBuilder();
  const encoder = encoderFor('iot-msgpack', 0);
  const reading = newReading();
  const simulator = new DeviceSimulator(65_530, 20, 3);
  for (let i = 0; i < 40; i++) {
    simulator.next(reading, 1_763_000_000_000_000 + i * 977);
    encoder.append(builder, reading);
  }
  for (const record of unpackBatch(builder.view())) {
    const doc = new Unpackr({ useRecords: false }).unpack(record.value) as Record<string, number>;
    const expected = { deviceId: doc['sensor_id'], seq: doc['seq'], sentAtUs: doc['sent_at_us'] };
    assert.equal(readMsgpackIdentity(record.value), expected);
    assert.equal(readMsgpackIdentity(packr.pack(doc)), expected, 'map16 header from msgpackr');
  }
  assert.is(readMsgpackIdentity(packr.pack({ sensor_id: 1 })), null, 'missing fields: the caller decodes fully');
  assert.is(readMsgpackIdentity(Buffer.from([0x93, 1, 2, 3])), null, 'not a map');
});

test('a batch is reused after reset', () => {
  const builder = new BatchBuilder();
  const reading = newReading();
  const encoder = encoderFor('fixed', 40);
  encoder.append(builder, reading);
  builder.reset();
  assert.is(builder.view().length, 0);
  encoder.append(builder, reading);
  assert.is([...unpackBatch(builder.view())].length, 1);
});

test.run();
