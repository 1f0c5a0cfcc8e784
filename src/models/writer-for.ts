import type { KeyMode, RecordFormat } from '../records/codec.js';
import { IotRecordWriter, type RecordWriter } from '../records/record-writer.js';
import { ModelRecordWriter } from './record-writer.js';
import type { ModelSpec } from './spec.js';

/** What a producer thread's task says about its records (a subset of ProducerTask). */
export interface RecordsTask {
  shard: { firstDevice: number; deviceCount: number };
  seed: number;
  format: RecordFormat;
  recordSizeBytes: number;
  keys?: KeyMode;
  model?: ModelSpec;
  /** a schema-bound encoding's schema and header, settled by the coordinator (opaque here: src/encodings reads it) */
  valueSchema?: unknown;
}

/** A thread's records: a device model's generators, or the built-in simulator (the fast path, `--model iot`). */
export function recordWriterFor(task: RecordsTask): RecordWriter {
  if (task.model && task.model.builtin === undefined) return new ModelRecordWriter(task.model, task.shard, task.seed, task.model.encoding, task.valueSchema === undefined ? {} : { valueSchema: task.valueSchema });
  return new IotRecordWriter(task.shard, task.seed, task.format, task.recordSizeBytes, task.keys ?? 'device');
}
