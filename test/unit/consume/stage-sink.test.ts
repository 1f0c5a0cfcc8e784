import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kConsumedAt, kConsumedHeaderBytes, kTimestampCreate, kTraceBlockAt, kTraceBlockBytes, kTracePresent, type ConsumedBatch } from '../../../src/clients/native-consumer.js';
import { StageSink, traceReaderFor } from '../../../src/consume/stage-sink.js';
import type { StageTrace } from '../../../src/options/stages.js';
import { readRegion, RegionWriter } from '../../../src/shared/region.js';
import { regionBytesFor } from '../../../src/shared/layout.js';
import { SequenceTracker } from '../../../src/verify/sequence-tracker.js';

const kRun = '00112233aabbccdd';
const kOther = 'ffeeddccbbaa9988';

interface Fake {
  value?: object;
  header?: { runId: string; deviceId: number; seq: number };
}

/** A consumed batch packed as the addon packs it (src/clients/native-consumer.ts). */
function batch(records: Fake[]): ConsumedBatch {
  const parts = records.map((record, i) => {
    const value = Buffer.from(record.value ? JSON.stringify(record.value) : 'x');
    const head = Buffer.alloc(kConsumedHeaderBytes + (record.header ? kTraceBlockBytes : 0));
    head.writeUInt32LE(0, 0);
    head.writeUInt32LE(value.length, 4);
    head.writeInt32LE(0, kConsumedAt.partition);
    head[kConsumedAt.timestampType] = kTimestampCreate;
    head.writeDoubleLE(i, kConsumedAt.offset);
    head.writeDoubleLE(Date.now() * 1000, kConsumedAt.receivedAtUs);
    head.writeDoubleLE(Date.now() - 5, kConsumedAt.timestampMs);
    if (record.header) {
      head[kConsumedAt.traceState] = kTracePresent;
      const block = kConsumedHeaderBytes;
      Buffer.from(record.header.runId, 'hex').copy(head, block + kTraceBlockAt.runId);
      head.writeUInt32LE(record.header.deviceId, block + kTraceBlockAt.deviceId);
      head.writeDoubleLE(record.header.seq, block + kTraceBlockAt.seq);
      head.writeDoubleLE(Date.now() * 1000 - 5000, block + kTraceBlockAt.intendedSendUs);
    }
    return Buffer.concat([head, value]);
  });
  return { count: records.length, packed: Buffer.concat(parts) } as ConsumedBatch;
}

function sinkFor(trace: StageTrace): { sink: StageSink; read: () => ReturnType<typeof readRegion> } {
  const buffer = new SharedArrayBuffer(regionBytesFor(1));
  const sink = new StageSink('s', trace, traceReaderFor(trace, kRun), new Map(), new RegionWriter(buffer, 0), new Map(), { runId: kRun, devices: { first: 0, count: 10 } });
  return { sink, read: () => readRegion(buffer, 0) };
}

const json = (sensorId: number, seq: number) => ({ sensor_id: sensorId, seq, sent_at_us: Date.now() * 1000 - 3000 });

test('field:NAME with sensor_id and seq: a device outside the run is foreign and adds no latency; the rest are tracked', () => {
  const { sink, read } = sinkFor({ kind: 'field', field: 'sent_at_us' });
  sink.absorb(batch([{ value: json(1, 0) }, { value: json(1, 1) }, { value: json(42, 0) }, { value: json(2, 0) }]));
  assert.equal([sink.traced, sink.foreign, sink.unidentified], [3, 1, 0]);
  assert.is(read().counters.acked, 4, 'every record read counts as read');
  assert.is(read().counts.reduce((sum, n) => sum + n, 0), 3, 'latency of this run\'s records only');
  assert.is(sink.tracker.summarize().uniqueRecords, 3);
});

test('a forwarded trace header decides whose a record is whatever the stage\'s trace: another run\'s is foreign, this run\'s gives identity to a timestamp', () => {
  const { sink } = sinkFor({ kind: 'timestamp' });
  sink.absorb(batch([{ header: { runId: kRun, deviceId: 3, seq: 0 } }, { header: { runId: kOther, deviceId: 3, seq: 1 } }, {}]));
  assert.equal([sink.traced, sink.foreign, sink.unidentified], [2, 1, 1], 'the bare timestamp is traced but names nobody');
  assert.equal([...sink.tracker.export().deviceIds], [3]);
});

test('a device of this run at a sequence it never sent is another producer\'s: dropBeyond takes it out and counts it', () => {
  const tracker = new SequenceTracker();
  for (const seq of [0, 1, 2, 7, 8]) tracker.record(1, seq);
  tracker.record(2, 5);
  assert.is(tracker.dropBeyond((device) => (device === 1 ? 3 : 2)), 3);
  assert.equal(tracker.summarize().uniqueRecords, 3);
  assert.equal([...tracker.export().deviceIds], [1], 'a device left with nothing is gone');
});

test.run();
