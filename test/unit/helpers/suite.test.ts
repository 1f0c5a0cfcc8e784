import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { projectRoot } from '../../../src/paths.js';
import { runProgram, type CliOutcome } from '../../helpers/cli.js';

/** Runs test/fixtures/before-hook.ts under uvu's CLI, as the test runner runs a suite file. */
async function runFixture(mode: 'uvu-fails' | 'guarded-fails' | 'guarded-passes'): Promise<CliOutcome & { plain: string }> {
  const outcome = await runProgram(process.execPath, [join(projectRoot, 'node_modules', 'uvu', 'bin.js'), 'dist/test/fixtures', '^before-hook\\.js$'], { env: { HOOK_FIXTURE: mode }, timeoutMs: 30_000 });
  return { ...outcome, plain: outcome.stdout.replace(/\x1b\[[0-9;]*m/g, '') };
}

const count = (text: string, label: string): number => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(text)?.[1] ?? -1);

test('the premise: with uvu 0.5.6 alone a throwing before hook passes silently (0 of 2 run, exit 0, no error shown)', async () => {
  const outcome = await runFixture('uvu-fails');
  assert.is(outcome.code, 0, outcome.plain);
  assert.is(count(outcome.plain, 'Total'), 2);
  assert.is(count(outcome.plain, 'Passed'), 0);
  assert.not.match(outcome.plain + outcome.stderr, /did not start/);
});

test('a throwing before hook fails every test of the suite, visibly: exit 1, 0 of 2 passed, the error under each test and on stderr', async () => {
  const outcome = await runFixture('guarded-fails');
  assert.is(outcome.code, 1, outcome.plain);
  assert.is(count(outcome.plain, 'Total'), 2);
  assert.is(count(outcome.plain, 'Passed'), 0);
  assert.match(outcome.plain, /\(0 \/ 2\)/);
  for (const name of ['first test', 'second test']) {
    assert.match(outcome.plain, new RegExp(`FAIL\\s+fixture suite\\s+"${name}"\\n\\s+the before hook of suite "fixture suite" failed: the fixture broker did not start \\(on purpose\\)`));
  }
  assert.match(outcome.plain, /fixtures\/before-hook\.js:\d+/, 'the stack points into the hook');
  assert.match(outcome.stderr, /✘ suite "fixture suite": a before hook failed, so every test of it fails: the fixture broker did not start/);
  assert.not.match(outcome.plain, /SECOND BEFORE HOOK RAN/, 'later before hooks are skipped');
  assert.not.match(outcome.plain, /BEFORE EACH of/, "the suite's own before.each hooks do not run on a failed set-up");
  assert.match(outcome.plain, /AFTER HOOK RAN/, 'after hooks still run, to stop what was started');
});

test('hooks that succeed change nothing: each runs, in order, and every test passes', async () => {
  const outcome = await runFixture('guarded-passes');
  assert.is(outcome.code, 0, outcome.plain + outcome.stderr);
  assert.is(count(outcome.plain, 'Passed'), 2);
  assert.match(outcome.plain, /BEFORE EACH of first test[\s\S]*BEFORE EACH of second test[\s\S]*AFTER HOOK RAN/);
  assert.is(outcome.stderr, '');
});

test.run();
