#!/usr/bin/env node
// Runs the uvu suites in order (unit, CLI, integration, browser (headless Chromium), Bun/Deno
// portability) and closes with one "N passed, N failed" line that CI can read. Each group runs in
// processes of its own so a broker-backed suite cannot leak state into the next.
//
// The integration group runs as three shards at once, each a uvu process with one shared broker
// (test/helpers/broker.ts). Its files spend most of their time waiting on brokers, JVMs and
// fixed-rate runs, not on the CPU: one after another they took about 14 of make test's 20 minutes.
// scripts/test-seconds.json says which files go together (`shards`: the grouping of green runs,
// kept on purpose, since timing-bound files pass or fail with their neighbours); a file it does not
// place joins the lightest shard by its recorded wall seconds. The first shard's output streams
// live, the others' are printed when they end. Files whose verdicts hang on the pacer keeping its
// schedule (publish delay under 10 ms, a rate within 1 %) are listed there as `alone`: they run
// after the shards, by themselves, so the other shard's max-rate runs and JVM starts cannot take
// their cores. The CLI group, which starts short-lived processes and talks to no broker, runs in
// two lanes the same way (`cli`).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const groups = ['dist/test/unit', 'dist/test/cli', 'dist/test/integration', 'dist/test/browser', 'dist/test/portability'].filter((dir) => existsSync(dir));
const shardedGroup = 'dist/test/integration';
const laneGroup = 'dist/test/cli';
const shardCount = Math.max(1, Number(process.env.STAMPEDE_TEST_SHARDS ?? 3));
const only = process.argv[2] === '--plan' ? undefined : process.argv[2]; // e.g. `npm run test:only -- unit`
// `--plan` prints the integration phases and their files, and runs nothing.
const planOnly = process.argv.includes('--plan');
let passed = 0;
let failed = 0;
let total = 0;
/** Suites that did not pass every test, named: a failed before hook leaves no ✘, only a short count. */
const shortSuites = [];
/** [file, wall seconds] of every test file, for the slowest-files table at the end. */
const fileSeconds = [];
const startedMs = Date.now();
/** Minutes and seconds since the suites started, on each group's heading: where make test's time goes. */
const sinceStart = () => {
  const seconds = Math.round((Date.now() - startedMs) / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
};
/** Each failed test's suite and name, as uvu prints them. */
const failedTests = [];

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

const plainText = (text) => text.replace(/\x1b\[[0-9;]*m/g, '');

/** One uvu process over the files of `dir` that `pattern` matches; `live` streams its output. */
function runUvu(dir, pattern, live) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['node_modules/uvu/bin.js', dir, pattern], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    let file;
    let fileStartedMs = Date.now();
    const fileEnded = () => {
      if (file) fileSeconds.push([`${dir}/${file}`, (Date.now() - fileStartedMs) / 1000]);
    };
    child.stdout.on('data', (chunk) => {
      if (live) process.stdout.write(chunk);
      text += chunk;
      // uvu prints a file's name as it starts that file: the time between two names is the first file's.
      for (const line of plainText(String(chunk)).split('\n')) {
        if (!/^\S+\.test\.js$/.test(line.trim())) continue;
        fileEnded();
        file = line.trim();
        fileStartedMs = Date.now();
      }
    });
    child.on('close', (code) => {
      fileEnded();
      resolve({ text, code });
    });
  });
}

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const filePattern = (files) => `(^|/)(${files.map(escapeRegExp).join('|')})$`;

/**
 * Fills `lanes` lanes: the files `pinned` names go where it says (when it has one list per lane),
 * the rest longest first into the lightest lane by `weight`.
 */
function fillLanes(files, lanes, weight, pinned = []) {
  const filled = Array.from({ length: Math.min(lanes, files.length) }, () => ({ seconds: 0, files: [] }));
  const place = (lane, name) => {
    lane.files.push(name);
    lane.seconds += weight(name);
  };
  const placed = new Set();
  if (pinned.length === filled.length) {
    pinned.forEach((names, index) => {
      for (const name of files.filter((file) => names.includes(file.replace(/\.js$/, '.ts')))) {
        place(filled[index], name);
        placed.add(name);
      }
    });
  }
  for (const name of files.filter((file) => !placed.has(file)).sort((a, b) => weight(b) - weight(a))) {
    place(filled.reduce((a, b) => (b.seconds < a.seconds ? b : a)), name);
  }
  return filled.filter((lane) => lane.files.length > 0).map((lane) => filePattern(lane.files));
}

const readPlan = () => JSON.parse(readFileSync(new URL('./test-seconds.json', import.meta.url), 'utf8'));
const testFiles = (dir) => readdirSync(dir).filter((name) => name.endsWith('.test.js'));

/**
 * File-name patterns of the integration phases: first the shards, run at once (30 s for a file
 * with no recorded seconds), then the files that run alone.
 */
function phasePatterns(dir) {
  const plan = readPlan();
  const isAlone = (name) => plan.alone.includes(name.replace(/\.js$/, '.ts'));
  const all = testFiles(dir);
  const alone = all.filter(isAlone);
  const weight = (name) => plan.seconds[name.replace(/\.js$/, '.ts')] ?? 30;
  const shards = fillLanes(all.filter((name) => !isAlone(name)), shardCount, weight, plan.shards ?? []);
  return [shards, ...(alone.length > 0 ? [[filePattern(alone)]] : [])];
}

/** The CLI group's lanes, one phase. */
function lanePatterns(dir) {
  const { cli } = readPlan();
  const weight = (name) => cli.seconds[name.replace(/\.js$/, '.ts')] ?? cli.defaultSeconds;
  return [fillLanes(testFiles(dir), cli.lanes, weight)];
}

function count(dir, output) {
  const plain = plainText(output.text);
  const groupTotal = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  const groupPassed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  total += groupTotal;
  passed += groupPassed;
  failed += groupTotal - groupPassed;
  if (output.code !== 0 && groupTotal === groupPassed) failed += 1; // a suite crashed before counting
  shortSuites.push(...suitesShortOfTotal(dir, plain));
  // uvu names each failed test on a line "   FAIL  <suite>  \"<test>\"".
  // The first line after it is the assertion's message (or the diff's start): kept, cut to 300 characters.
  for (const match of plain.matchAll(/^\s+FAIL\s+(.*)\n(?:\s*\n)*(.*)$/gm)) failedTests.push(`${match[1].trim()}\n      ${match[2].trim().slice(0, 300)}`);
}

if (planOnly) {
  for (const [phase, patterns] of phasePatterns(shardedGroup).entries()) console.log(`phase ${phase + 1}: ${patterns.join('  ‖  ')}`);
  if (existsSync(laneGroup)) console.log(`${laneGroup}: ${lanePatterns(laneGroup)[0].join('  ‖  ')}`);
  process.exit(0);
}

for (const dir of groups) {
  if (only && !dir.endsWith(only)) continue;
  console.log(`\n── ${dir} (${sinceStart()} in)`);
  const phases = dir === shardedGroup ? phasePatterns(dir) : dir === laneGroup ? lanePatterns(dir) : [['\\.test\\.js$']];
  for (const [phase, patterns] of phases.entries()) {
    if (phase > 0) console.log(`\n── ${dir}, the files that run alone (${sinceStart()} in)`);
    const outputs = await Promise.all(patterns.map((pattern, index) => runUvu(dir, pattern, index === 0)));
    outputs.forEach((output, index) => {
      if (index > 0) process.stdout.write(`\n── ${dir}, ${dir === laneGroup ? 'lane' : 'shard'} ${index + 1} of ${outputs.length}\n${output.text}`);
      count(dir, output);
    });
  }
}

const slowest = fileSeconds.sort((a, b) => b[1] - a[1]).slice(0, 15);
console.log(`\nslowest test files (wall s):\n${slowest.map(([name, seconds]) => `  ${seconds.toFixed(1).padStart(7)}  ${name}`).join('\n')}`);

// Last, just above the count: a CI that keeps only the tail of the output still names what failed.
if (shortSuites.length > 0) console.log(`\nsuites that did not pass every test:\n${shortSuites.map((line) => `  ✘ ${line}`).join('\n')}`);
if (failedTests.length > 0) console.log(`\ntests that failed:\n${failedTests.map((line) => `  ✘ ${line}`).join('\n')}`);
console.log(`\nsuites took ${sinceStart()}`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 || total === 0 ? 1 : 0;
