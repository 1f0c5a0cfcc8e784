import { registerSchemaEncodings, planModelSchema } from '../encodings/model-encodings.js';
import type { SchemaEncoderSpec } from '../encodings/value-schema.js';
import { parseRegistryUrl } from '../encodings/registry-client.js';
import { StampedeError } from '../errors.js';
import { generatedModelOf } from './model.js';
import type { Workload } from './workload-shape.js';

// Models are read while options are resolved: avro and protobuf must be known to them by then.
registerSchemaEncodings();

/**
 * An avro or protobuf model's value schema, checked against its fields now, before any broker or
 * registry is contacted (an .avsc or .proto the model cannot fill is one line naming file, line and
 * field). --schema-registry needs such a model; the coordinator registers it once and hands the
 * header with its id to every thread and every --hosts agent.
 */
export function valueSchemaOf(workload: Workload): SchemaEncoderSpec | undefined {
  const model = generatedModelOf(workload);
  const schemaBound = model !== undefined && (model.encoding === 'avro' || model.encoding === 'protobuf');
  if (workload.schemaRegistry !== undefined) {
    if (!schemaBound) throw new StampedeError('E_OPTION', `--schema-registry needs a --model whose encoding is avro or protobuf (${model === undefined ? 'this run sends the built-in iot records' : `${model.file} is ${model.encoding}`})`);
    parseRegistryUrl(workload.schemaRegistry);
  } else if (workload.subjectStrategy !== undefined) {
    throw new StampedeError('E_OPTION', '--subject-strategy needs --schema-registry');
  }
  return schemaBound ? planModelSchema(model) : undefined;
}
