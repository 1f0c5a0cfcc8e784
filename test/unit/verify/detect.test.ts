import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadNative } from '../../../src/native/load.js';
import { detectStampedeFormat } from '../../../src/verify/detect.js';
import { SharedOffsets } from '../../../src/verify/shared-offsets.js';
import { ConsumedRecordSink } from '../../../src/verify/sink.js';
import { encodeTraceHeader } from '../../../src/records/trace.js';

const { packConsumedForTest } = loadNative();
const nowUs = Date.UTC(2026, 11, 3) * 1000;

const batchOf = (values: Buffer[]) => ({ count: values.length, packed: packConsumedForTest(values.map((value, offset) => ({ key: Buffer.from('1'), value, partition: 0, offset, receivedAtUs: nowUs }))) });
const json = (seq: number, sentAtUs = nowUs - 1000) => Buffer.from(JSON.stringify({ sensor_id: 1, sensor_type: 'temperature', temperature: 20, humidity: 40, pressure: 1000, battery_level: 99, status: 'OK', timestamp: 1, seq, sent_at_us: sentAtUs }));
const fixed = (seq: number, sentAtUs: number) => {
  const value = Buffer.alloc(100);
  value.writeUInt32LE(7, 0);
  value.writeUInt32LE(seq, 4);
  value.writeDoubleLE(sentAtUs, 8);
  return value;
};

test("stampede's records are recognised from the first batch, in their format", () => {
  assert.is(detectStampedeFormat(batchOf([json(0), json(1)]), nowUs), 'iot-json');
  assert.is(detectStampedeFormat(batchOf([fixed(0, nowUs - 5), fixed(1, nowUs - 4)]), nowUs), 'fixed');
});

test("records that are not stampede's are not: text, other JSON, and binary whose fixed header gives no plausible send time", () => {
  assert.is(detectStampedeFormat(batchOf([Buffer.from('a line of somebody else\'s log, long enough for a fixed header')]), nowUs), null);
  assert.is(detectStampedeFormat(batchOf([Buffer.from('{"user":"x","clicks":3}')]), nowUs), null);
  assert.is(detectStampedeFormat(batchOf([fixed(0, 12345)]), nowUs), null, 'a send time in 1970');
  assert.is(detectStampedeFormat(batchOf([json(0), Buffer.from('plain text that is not stampede record')]), nowUs), null, 'every looked-at record must be one');
});

test('records with a trace header are stampede\'s whatever their values hold; an implausible trace is not', () => {
  const traced = (value: Buffer, seq: number, intendedSendUs: number) => ({ key: Buffer.from('1'), value, partition: 0, offset: seq, receivedAtUs: nowUs, traceHeader: encodeTraceHeader({ runId: '11'.repeat(8), deviceId: 1, seq, intendedSendUs }) });
  const model = (seq: number) => Buffer.from(JSON.stringify({ reading: seq }));
  assert.is(detectStampedeFormat({ count: 2, packed: packConsumedForTest([traced(model(0), 0, nowUs - 10), traced(model(1), 1, nowUs - 5)]) }, nowUs), 'iot-json');
  assert.is(detectStampedeFormat({ count: 1, packed: packConsumedForTest([traced(model(0), 0, 12345)]) }, nowUs), null, 'a trace sent in 1970');
});

test('a partition that moves between the members of a group: the new owner counts what the old one read as re-read, not duplicate', () => {
  const positions = SharedOffsets.allocate(1);
  const first = new ConsumedRecordSink('iot-json', null, undefined, new SharedOffsets(positions));
  const second = new ConsumedRecordSink('iot-json', null, undefined, new SharedOffsets(positions));
  first.absorb(batchOf([json(0), json(1), json(2)]));
  // The new owner starts at the committed offset 1: offsets 1 and 2 again, then offset 3.
  const again = packConsumedForTest([1, 2, 3].map((offset) => ({ key: Buffer.from('1'), value: json(offset), partition: 0, offset, receivedAtUs: nowUs })));
  second.absorb({ count: 3, packed: again });
  assert.is(second.reread, 2);
  const merged = first.tracker;
  merged.merge(second.tracker);
  const summary = merged.summarize();
  assert.equal([summary.uniqueRecords, summary.duplicates], [4, 0]);
});

test.run();
