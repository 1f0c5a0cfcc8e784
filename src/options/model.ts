import { StampedeError } from '../errors.js';
import { modelIdentity, readsIdentityOf } from '../models/identity.js';
import { resolveModel } from '../models/resolve.js';
import type { ModelSpec } from '../models/spec.js';
import type { Workload } from './workload-shape.js';

/** --model as given (a name or a path), read and checked; undefined: the built-in simulator. */
export function modelOf(value: string | undefined): ModelSpec | undefined {
  return value === undefined ? undefined : resolveModel(value);
}

/** Whether a run's records come from a model's generators rather than the built-in simulator. */
export const generatedModelOf = (workload: Pick<Workload, 'model'>): ModelSpec | undefined => (workload.model?.builtin === undefined ? workload.model : undefined);

/** What a model run cannot do yet, each said in one line before anything starts. */
export function checkModelWorkload(workload: Workload): void {
  const model = generatedModelOf(workload);
  if (model === undefined) return;
  if (workload.transactional) throw new StampedeError('E_OPTION', `--model ${model.file} with --transactional: aborted-record checks follow the built-in simulator's order of devices; run transactions with the iot model`);
  if (workload.e2e && !readsIdentityOf(model.encoding)) throw new StampedeError('E_OPTION', `--e2e with --model ${model.file}: end-to-end checks read ${model.encoding} values' identity only from a record trace, which this build does not write yet; use encoding json or msgpack`);
  if (workload.e2e && modelIdentity(model) === null) {
    throw new StampedeError('E_OPTION', `--e2e with --model ${model.file}: its value carries no record identity (a { gen: device } field, a { gen: seq } field and a { gen: time } field, at the top level), so the consumers cannot check integrity or latency`);
  }
}
