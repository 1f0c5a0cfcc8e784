import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadNative } from '../../../src/native/load.js';
import { ConsumedRecordSink } from '../../../src/verify/sink.js';
import { BatchBuilder, unpackBatch } from '../../../src/records/batch.js';
import { encoderFor, type RecordFormat } from '../../../src/records/codec.js';
import { DeviceSimulator, newReading } from '../../../src/records/device.js';
import { regionBytesFor } from '../../../src/shared/layout.js';
import { readRegion, RegionWriter } from '../../../src/shared/region.js';
import { encodeTraceHeader } from '../../../src/records/trace.js';

const { packConsumedForTest } = loadNative();

/** An iot-json record of `device` with sequence `seq` at `offset` of partition 0. */
const record = (device: number, seq: number, offset: number) => ({
  key: Buffer.from(String(device)),
  value: Buffer.from(JSON.stringify({ sensor_id: device, sensor_type: 'temperature', temperature: 20, humidity: 40, pressure: 1000, battery_level: 99, status: 'OK', timestamp: 1, seq, sent_at_us: 1 })),
  partition: 0,
  offset,
  receivedAtUs: 2,
});

test('records delivered again at offsets already read (a rebalance, an offset reset) are re-reads, not duplicates', () => {
  const sink = new ConsumedRecordSink('iot-json', null);
  const first = [record(1, 0, 0), record(1, 1, 1), record(2, 0, 2)];
  sink.absorb({ count: 3, packed: packConsumedForTest(first) });
  // After a broker restart the group starts again from offset 0: the same three, then a new one.
  sink.absorb({ count: 4, packed: packConsumedForTest([...first, record(2, 1, 3)]) });
  assert.is(sink.reread, 3);
  const summary = sink.tracker.summarize();
  assert.is(summary.uniqueRecords, 4);
  assert.is(summary.duplicates, 0);
});

test('a record written twice (its own offset) is still a duplicate', () => {
  const sink = new ConsumedRecordSink('iot-json', null);
  sink.absorb({ count: 2, packed: packConsumedForTest([record(1, 0, 0), record(1, 0, 1)]) });
  assert.is(sink.reread, 0);
  assert.is(sink.tracker.summarize().duplicates, 1);
});

for (const format of ['iot-msgpack', 'fixed', 'auto'] as const) {
  test(`${format}: a batch over partitions is read in place: skips older offsets, counts per partition, latency and acks into the region`, () => {
    const encoded: RecordFormat = format === 'auto' ? 'iot-msgpack' : format;
    const builder = new BatchBuilder();
    const encoder = encoderFor(encoded, 100);
    const simulator = new DeviceSimulator(500, 4, 3);
    const reading = newReading();
    for (let i = 0; i < 12; i++) {
      simulator.next(reading, 1_000_000 + i);
      encoder.append(builder, reading);
    }
    // Runs of partitions 0, 1, 0, 2; partition 1 starts at offset 10, of which the run's records begin at 11.
    const partitions = [0, 0, 0, 1, 1, 1, 0, 0, 2, 2, 2, 2];
    const nextOffset = new Map<number, number>([[0, 0], [1, 10], [2, 0]]);
    const records = [...unpackBatch(builder.view())].map((record, i) => {
      const partition = partitions[i]!;
      const offset = nextOffset.get(partition)!;
      nextOffset.set(partition, offset + 1);
      return { key: record.key!, value: record.value, partition, offset, receivedAtUs: 1_000_500 + i };
    });
    const regions = new SharedArrayBuffer(regionBytesFor(1));
    const sink = new ConsumedRecordSink(format, new Map([[1, 11]]), new RegionWriter(regions, 0));
    const packed = packConsumedForTest(records);
    sink.absorb({ count: records.length, packed });
    sink.absorb({ count: records.length, packed }); // delivered again: all re-reads
    assert.is(sink.skippedOlder, 1);
    assert.is(sink.reread, 12);
    assert.is(sink.decodeErrors, 0);
    assert.equal([...sink.partitionCounts].sort(), [[0, 5], [1, 2], [2, 4]]);
    assert.equal([0, 1, 2].map((partition) => sink.positions.get(partition)), [5, 13, 4]);
    const summary = sink.tracker.summarize();
    assert.is(summary.uniqueRecords, 11);
    assert.is(summary.duplicates, 0);
    const { counters, counts } = readRegion(regions, 0);
    assert.is(counters.acked, 11);
    assert.is(counters.ackedBytes, records.filter((_, i) => i !== 3).reduce((total, r) => total + r.key.length + r.value.length, 0));
    assert.is(counts.reduce((total, count) => total + count, 0), 11, 'one latency per record read');
  });
}

test('a record trace header names the record whatever its value holds: identity and latency from it, value fields not needed', () => {
  const regions = new SharedArrayBuffer(regionBytesFor(1));
  const sink = new ConsumedRecordSink('iot-json', null, new RegionWriter(regions, 0));
  const trace = (seq: number) => encodeTraceHeader({ runId: 'aa'.repeat(8), deviceId: 42, seq, intendedSendUs: 1_000_000 + seq });
  // A processor's output: the value re-encoded without sensor_id/seq/sent_at_us, the header kept.
  const copied = (seq: number, offset: number) => ({ key: Buffer.from('42'), value: Buffer.from('{"celsius":20}'), partition: 0, offset, receivedAtUs: 1_000_300 + seq, traceHeader: trace(seq) });
  sink.absorb({ count: 4, packed: packConsumedForTest([copied(0, 0), copied(1, 1), copied(1, 2), record(7, 0, 3)]) });
  assert.is(sink.decodeErrors, 0);
  assert.is(sink.traced, 3);
  const summary = sink.tracker.summarize();
  assert.is(summary.uniqueRecords, 3, 'device 42 seq 0 and 1 from headers, device 7 from its value');
  assert.is(summary.duplicates, 1);
  const { counts } = readRegion(regions, 0);
  assert.is(counts.reduce((total, count) => total + count, 0), 4);
});

test('a value that does not decode is counted, with where it was', () => {
  const sink = new ConsumedRecordSink('iot-msgpack', null);
  sink.absorb({ count: 2, packed: packConsumedForTest([{ key: Buffer.from('1'), value: Buffer.from([0xc1]), partition: 3, offset: 7, receivedAtUs: 1 }, record(1, 0, 0)]) });
  assert.is(sink.decodeErrors, 2);
  assert.match(sink.firstDecodeError ?? '', /partition 3 offset 7/);
});

test.run();
