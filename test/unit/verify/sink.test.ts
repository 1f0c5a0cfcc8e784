import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadNative } from '../../../src/native/load.js';
import { ConsumedRecordSink } from '../../../src/verify/sink.js';

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

test.run();
