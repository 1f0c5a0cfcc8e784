import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveWorkload } from '../../../src/options/workload.js';
import { producerTaskTemplate } from '../../../src/sources/local-threads.js';
import { recordWriterFor } from '../../../src/models/writer-for.js';
import { IotRecordWriter } from '../../../src/records/record-writer.js';
import { BatchBuilder } from '../../../src/records/batch.js';

/** The bytes a producer thread would write for its shard with these flags. */
function bytesWith(flags: Record<string, unknown>): Buffer {
  const workload = resolveWorkload({}, { devices: 1000, ...flags });
  const task = { ...producerTaskTemplate(workload, {}), shard: { index: 0, firstDevice: 0, deviceCount: 1000, records: undefined, rateRecordsPerSec: undefined } };
  const writer = recordWriterFor(task);
  const batch = new BatchBuilder();
  for (let i = 0; i < 5000; i++) writer.append(batch, 1_765_000_000_000_000 + i);
  return Buffer.from(batch.view());
}

test('--model iot is the built-in simulator: the same writer, byte-identical records, in each --format', () => {
  const workload = resolveWorkload({}, { model: 'iot' });
  assert.is(producerTaskTemplate(workload, {}).model, undefined, 'no model crosses to the thread: the fast path');
  for (const format of ['iot-msgpack', 'iot-json', 'fixed']) {
    const task = { ...producerTaskTemplate(resolveWorkload({}, { model: 'iot', format }), {}), shard: { index: 0, firstDevice: 0, deviceCount: 10, records: undefined, rateRecordsPerSec: undefined } };
    assert.instance(recordWriterFor(task), IotRecordWriter);
    assert.ok(bytesWith({ model: 'iot', format }).equals(bytesWith({ format })), `${format}: --model iot writes what no --model writes`);
  }
});

test('--model weather crosses to the producer thread as a checked model', () => {
  const template = producerTaskTemplate(resolveWorkload({}, { model: 'weather' }), {});
  assert.is(template.model?.encoding, 'json');
  assert.equal(template.model?.key, { from: 'field', path: ['station_id'] });
  assert.is(JSON.stringify(structuredClone(template.model)), JSON.stringify(template.model), 'structured-clone friendly');
});

test.run();
