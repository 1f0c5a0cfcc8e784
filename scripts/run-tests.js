#!/usr/bin/env node
// Runs the uvu suites in order (unit, CLI, integration, browser (headless Chromium), Bun/Deno portability) and closes with one "N passed, N failed"
// line that CI can read. Each group runs in its own process so a broker-backed suite cannot leak
// state into the next.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const groups = ['dist/test/unit', 'dist/test/cli', 'dist/test/integration', 'dist/test/browser', 'dist/test/portability'].filter((dir) => existsSync(dir));
const only = process.argv[2]; // e.g. `npm run test:only -- unit`
let passed = 0;
let failed = 0;
let total = 0;

for (const dir of groups) {
  if (only && !dir.endsWith(only)) continue;
  console.log(`\n── ${dir}`);
  const output = await new Promise((resolve) => {
    const child = spawn(process.execPath, ['node_modules/uvu/bin.js', dir, '\\.test\\.js$'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      text += chunk;
    });
    child.on('close', (code) => resolve({ text, code }));
  });
  const plain = output.text.replace(/\x1b\[[0-9;]*m/g, '');
  const groupTotal = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  const groupPassed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  total += groupTotal;
  passed += groupPassed;
  failed += groupTotal - groupPassed;
  if (output.code !== 0 && groupTotal === groupPassed) failed += 1; // a suite crashed before counting
}

console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 || total === 0 ? 1 : 0;
