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
export function checkModelWorkload(workload: Pick<Workload, 'model' | 'transactional' | 'e2e' | 'recordTrace'>): void {
  const model = generatedModelOf(workload);
  if (model === undefined) return;
  // With the record trace header every record names itself; only --record-trace value relies on the value.
  if (!workload.e2e || workload.recordTrace !== 'value') return;
  if (!readsIdentityOf(model.encoding)) throw new StampedeError('E_OPTION', `--e2e with --model ${model.file} and --record-trace value: ${model.encoding} values are not read back for their identity; use --record-trace header`);
  if (modelIdentity(model) === null) {
    throw new StampedeError('E_OPTION', `--e2e with --model ${model.file} and --record-trace value: its value carries no record identity (a { gen: device } field, a { gen: seq } field and a { gen: time } field, at the top level); use --record-trace header`);
  }
}
