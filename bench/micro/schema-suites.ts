import { AvroEncoder } from '../../src/encodings/avro-encoder.js';
import { planAvro } from '../../src/encodings/avro.js';
import { ProtobufEncoder } from '../../src/encodings/protobuf-encoder.js';
import { planProtobuf } from '../../src/encodings/protobuf.js';
import { confluentPrefix } from '../../src/encodings/wire-format.js';
import { weatherShape, weatherValue } from '../../test/helpers/weather-shape.js';
import type { ValueEncoder } from '../../src/records/value-shape.js';
import type { Suite } from './suites.js';
import { registerSchemaEncodings, planModelSchema } from '../../src/encodings/model-encodings.js';
import { readModelFile } from '../../src/models/read-model.js';
import { modelFileOf } from '../../src/models/resolve.js';
import { ModelRecordWriter } from '../../src/models/record-writer.js';
import { BatchBuilder } from '../../src/records/batch.js';

const kValues = 1_000;
const kDevices = 100_000;
const kSeed = 42;
const kSentAtUs = 1_750_000_000_000_000;
let sink = 0;
export const schemaBlackhole = (): number => sink;

/** 1,000 weather values over 100 stations, made before measuring: only the encoding is timed. */
const weatherValues = (): Record<string, unknown>[] => Array.from({ length: kValues }, (_, i) => weatherValue(i % 100, i));

function encoderSuite(name: string, encoder: ValueEncoder, values: readonly Record<string, unknown>[]): Suite {
  return {
    name,
    unit: 'record',
    opsPerSample: values.length,
    recordsPerOp: 1,
    run: () => {
      let bytes = 0;
      for (let i = 0; i < values.length; i++) bytes += encoder.encode(values[i]!).length;
      sink += bytes;
    },
  };
}

/** A producer thread's whole per-record work for the built-in weather model as Avro with a registry's header: generated, keyed, encoded into a batch. */
function weatherAvroRecordsSuite(): Suite {
  registerSchemaEncodings();
  const { builtin: _builtin, ...model } = readModelFile(modelFileOf('weather'));
  const planned = planModelSchema(model, 'avro');
  const writer = new ModelRecordWriter(model, { firstDevice: 0, deviceCount: kDevices }, kSeed, 'avro', { valueSchema: { ...planned, prefix: confluentPrefix(1) } });
  const batch = new BatchBuilder();
  return {
    name: 'model weather avro (registry header)',
    unit: 'record',
    opsPerSample: kValues,
    recordsPerOp: 1,
    run: () => {
      batch.reset();
      for (let i = 0; i < kValues; i++) writer.append(batch, kSentAtUs);
      sink += batch.count;
    },
  };
}

/** A weather value as Avro and as Protobuf, each with a registry's wire-format header; then the weather model's whole record path as Avro. */
export function schemaEncodingSuites(): Suite[] {
  const values = weatherValues();
  const avro = planAvro(weatherShape);
  const protobuf = planProtobuf(weatherShape, 'test/fixtures/encodings/weather.proto', 'Observation');
  return [
    encoderSuite('encode weather avro (registry header)', new AvroEncoder({ kind: 'avro', schemaText: avro.schemaText, fills: [], prefix: confluentPrefix(1) }), values),
    encoderSuite('encode weather protobuf (registry header)', new ProtobufEncoder({ kind: 'protobuf', protoText: protobuf.protoText, fullName: protobuf.fullName, prefix: confluentPrefix(1, protobuf.messageIndexes) }), values),
    weatherAvroRecordsSuite(),
  ];
}
