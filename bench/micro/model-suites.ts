import { BatchBuilder } from '../../src/records/batch.js';
import { IotRecordWriter, type RecordWriter } from '../../src/records/record-writer.js';
import { readModelFile } from '../../src/models/read-model.js';
import { modelFileOf } from '../../src/models/resolve.js';
import { ModelRecordWriter } from '../../src/models/record-writer.js';
import type { ModelEncoding, TemplatePart } from '../../src/models/spec.js';
import type { Suite } from './suites.js';

const kDevices = 100_000;
const kSeed = 42;
const kBatchRecords = 1_000;
const kSentAtUs = 1_750_000_000_000_000;

let sink = 0;
export const modelBlackhole = (): number => sink;

/** A producer thread's whole per-record work: the next record generated, keyed and encoded into a batch. */
function writerSuite(name: string, writer: RecordWriter): Suite {
  const batch = new BatchBuilder();
  return {
    name,
    unit: 'record',
    opsPerSample: kBatchRecords,
    recordsPerOp: 1,
    run: () => {
      batch.reset();
      for (let i = 0; i < kBatchRecords; i++) writer.append(batch, kSentAtUs);
      sink += batch.count;
    },
  };
}

/** The text encoding's template for a model without one: a reading as a line. */
const kTextTemplates: Record<string, TemplatePart[]> = {
  iot: [{ path: ['sensor_id'] }, { text: ' ' }, { path: ['temperature'] }],
  weather: [{ path: ['station_id'] }, { text: ' ' }, { path: ['temperature_c'] }],
  simple: [{ path: ['value'] }],
};

/**
 * The built-in IoT writer (simulator + encoder, as a producer thread runs it), then each built-in
 * model through the model engine in each encoding (iot's fields too, without its `builtin: iot`).
 */
export function modelSuites(): Suite[] {
  const shard = { firstDevice: 0, deviceCount: kDevices };
  const suites = [
    writerSuite('records iot-msgpack (built-in)', new IotRecordWriter(shard, kSeed, 'iot-msgpack', 100, 'device')),
    writerSuite('records iot-json (built-in)', new IotRecordWriter(shard, kSeed, 'iot-json', 100, 'device')),
  ];
  for (const name of ['weather', 'simple', 'iot']) {
    const { builtin: _builtin, ...model } = readModelFile(modelFileOf(name));
    for (const encoding of ['json', 'msgpack', 'text'] as ModelEncoding[]) {
      suites.push(writerSuite(`model ${name} ${encoding}`, new ModelRecordWriter(model, shard, kSeed, encoding, { template: kTextTemplates[name]! })));
    }
  }
  return suites;
}
