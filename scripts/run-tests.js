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
/** Suites that did not pass every test, named: a failed before hook leaves no ✘, only a short count. */
const shortSuites = [];

/**
 * uvu prints each file's name on a line of its own, then per suite " name " (nothing for a file's
 * unnamed suite), a mark per test, and "(passed / total)".
 */
function suitesShortOfTotal(dir, plain) {
  const short = [];
  let file = '';
  // What a test prints may come between a suite's name and its count: the name is remembered.
  let suite;
  for (const line of plain.split('\n')) {
    if (/^\S+\.test\.js$/.test(line.trim())) file = line.trim();
    suite = /^ (\S.*?) {2}/.exec(line)?.[1] ?? suite;
    const counts = /\((\d+) \/ (\d+)\)\s*$/.exec(line);
    if (!counts) continue;
    if (Number(counts[1]) < Number(counts[2])) short.push(`${dir}/${file} › ${suite ?? '(unnamed suite)'}: ${counts[1]} of ${counts[2]} passed`);
    suite = undefined;
  }
  return short;
}

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
  shortSuites.push(...suitesShortOfTotal(dir, plain));
}

if (shortSuites.length > 0) console.log(`\nsuites that did not pass every test:\n${shortSuites.map((line) => `  ✘ ${line}`).join('\n')}`);

console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 || total === 0 ? 1 : 0;
