import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadTestingNative } from '../../helpers/native-testing.js';
import { BatchBuilder, kNullKeyLength, kRecordHeaderBytes, unpackBatch } from '../../../src/records/batch.js';
import { encoderFor, type RecordFormat } from '../../../src/records/codec.js';
import { DeviceSimulator, newReading } from '../../../src/records/device.js';

const native = loadTestingNative();

function buildBatch(format: RecordFormat, records: number, traced = false): Buffer {
  const builder = new BatchBuilder(256, traced); // small, so the builder grows and copies on the way
  const simulator = new DeviceSimulator(9_990, 25, 11);
  const encoder = encoderFor(format, 100);
  const reading = newReading();
  for (let i = 0; i < records; i++) {
    simulator.next(reading, 1_763_780_000_000_000 + i * 7.5);
    encoder.append(builder, reading);
  }
  return Buffer.from(builder.view());
}

for (const format of ['iot-msgpack', 'iot-json', 'fixed'] as const) {
  test(`the native parser reads a ${format} batch exactly as unpackBatch does`, () => {
    const packed = buildBatch(format, 1_000);
    const reference = [...unpackBatch(packed)];
    const parsed = native.unpackBatchForTest(packed);
    assert.is(parsed.keys.length, 1_000);
    assert.equal(parsed.keys, reference.map((record) => record.key?.toString('latin1') ?? null));
    assert.equal(parsed.intendedSendUs, reference.map((record) => record.intendedSendUs));
    assert.equal(parsed.values.map((value) => value.length), reference.map((record) => record.value.length));
    parsed.values.forEach((value, i) => assert.ok(value.equals(reference[i]!.value), `value ${i}`));
  });
}

for (const format of ['iot-msgpack', 'fixed'] as const) {
  test(`a traced ${format} batch: each record's device and sequence, read by the native parser as unpackBatch reads them`, () => {
    const packed = buildBatch(format, 500, true);
    const reference = [...unpackBatch(packed, true)];
    const parsed = native.unpackBatchForTest(packed, true);
    assert.is(parsed.keys.length, 500);
    assert.equal(parsed.deviceIds, reference.map((record) => record.deviceId));
    assert.equal(parsed.seqs, reference.map((record) => record.seq));
    assert.equal(parsed.keys, reference.map((record) => record.key?.toString('latin1') ?? null));
    // The simulator walks 25 devices round-robin from 9,990: record i is device 9,990 + i % 25, sequence ⌊i / 25⌋.
    assert.equal(parsed.deviceIds.slice(0, 3), [9_990, 9_991, 9_992]);
    assert.equal(parsed.seqs.slice(24, 27), [0, 1, 1]);
    assert.equal(parsed.keys.slice(0, 2), ['9990', '9991']);
    parsed.values.forEach((value, i) => assert.ok(value.equals(reference[i]!.value), `value ${i}`));
    assert.equal(native.unpackBatchForTest(buildBatch(format, 500)).values.map((v) => v.length), parsed.values.map((v) => v.length), 'the same values as untraced');
  });
}

test('traced records from addKeyBytes and add carry the identity given; the key stays where the header says', () => {
  const builder = new BatchBuilder(64, true);
  builder.addKeyBytes(Buffer.from('k1'), 1, 10, 7, 3);
  builder.add(null, 2, 20, 8, 2 ** 40);
  const reference = [...unpackBatch(builder.view(), true)];
  assert.equal(reference.map((r) => [r.key?.toString() ?? null, r.value.length, r.intendedSendUs, r.deviceId, r.seq]), [['k1', 1, 10, 7, 3], [null, 2, 20, 8, 2 ** 40]]);
  assert.is(builder.payloadBytes, 2 + 1 + 2);
});

test('a null key (--keys none) is not an empty key, on both sides', () => {
  const builder = new BatchBuilder(64);
  builder.add(null, 3, 1);
  builder.add('', 2, 2);
  builder.add('42', 0, 3);
  assert.is(builder.view().readUInt32LE(0), kNullKeyLength);
  assert.is(builder.payloadBytes, 3 + 2 + 2);
  const reference = [...unpackBatch(builder.view())];
  assert.equal(reference.map((record) => record.key?.toString() ?? null), [null, '', '42']);
  assert.equal(reference.map((record) => record.value.length), [3, 2, 0]);
  assert.equal(native.unpackBatchForTest(builder.view()).keys, [null, '', '42']);
});

test('a thread\'s CPU clock grows with the work it does', () => {
  const before = native.threadCpuMicros();
  assert.ok(before > 0);
  let sum = 0;
  for (let i = 0; i < 5e6; i++) sum += i % 7;
  assert.ok(sum > 0);
  assert.ok(native.threadCpuMicros() > before);
});

test('empty keys and values, and an empty batch', () => {
  const builder = new BatchBuilder(64);
  builder.add('', 0, 1);
  builder.add('7', 0, 2);
  const parsed = native.unpackBatchForTest(builder.view());
  assert.equal(parsed.keys, ['', '7']);
  assert.equal(parsed.values.map((value) => value.length), [0, 0]);
  assert.equal(parsed.intendedSendUs, [1, 2]);
  assert.equal(native.unpackBatchForTest(Buffer.alloc(0)).keys, []);
});

test('a truncated batch is an InvalidArg error naming the record, never a crash', () => {
  const packed = buildBatch('fixed', 3);
  const recordBytes = packed.length / 3;
  for (const cut of [1, kRecordHeaderBytes - 1, kRecordHeaderBytes + 2, recordBytes + 5, packed.length - 1]) {
    try {
      native.unpackBatchForTest(packed.subarray(0, cut));
      assert.unreachable(`cut at ${cut}`);
    } catch (err) {
      assert.instance(err, Error);
      assert.is((err as { code?: string }).code, 'InvalidArg');
      assert.match((err as Error).message, /packed batch is truncated: the record at byte \d+/);
    }
  }
});

test.run();
