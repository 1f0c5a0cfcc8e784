#!/usr/bin/env node
// The CLI is compiled TypeScript (npm ci runs the build through the `prepare` script).
import('../dist/src/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/src/cli/main.js')) {
    console.error('stampede: not built yet; run `npm run build` (or `make build`) first');
    process.exit(2);
  }
  throw err;
});
