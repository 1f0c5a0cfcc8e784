import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

// Compiled to dist/src/paths.js; the project root is two levels above.
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
export const configsDir = join(projectRoot, 'configs');
export const cacheDir = join(projectRoot, '.cache');
export const producerWorkerFile = join(projectRoot, 'dist', 'workers', 'producer.js');
export const consumerWorkerFile = join(projectRoot, 'dist', 'workers', 'consumer.js');
export const readerWorkerFile = join(projectRoot, 'dist', 'workers', 'reader.js');
