import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { configsDir } from '../paths.js';
import { readModelFile } from './read-model.js';
import type { ModelSpec } from './spec.js';

/** The models shipped in configs/models/, taken by name (`--model weather`). */
export const kBuiltInModels = ['iot', 'weather', 'simple'] as const;

/** The file a --model value names: a built-in model's name, or a path. */
export function modelFileOf(value: string): string {
  const builtIn = join(configsDir, 'models', `${value}.yaml`);
  return (kBuiltInModels as readonly string[]).includes(value) && !existsSync(value) ? builtIn : value;
}

/** Reads, checks and resolves `--model`: any fault is one line (file, line, field), exit 2, before a broker is contacted. */
export function resolveModel(value: string): ModelSpec {
  return readModelFile(modelFileOf(value));
}
