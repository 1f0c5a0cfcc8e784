import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/paths.js';
import type { RunResult } from '../../src/contracts/result.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runCli } from '../helpers/cli.js';

/**
 * The README's quick start, run as written: every `stampede …` line of its code blocks, in order.
 * Lines that name a broker run against the test broker (a topic of this file's own, a short
 * duration); `broker up`, `status` and `down` start a JVM of their own and are run by the faults
 * suite ("broker up, status and down on a port of its own"), so here they are only found.
 */
const dir = mkdtempSync(join(tmpdir(), 'stampede-quick-start-'));
const quickStart = suite<{ kafka?: TestBroker }>('the README quick start');

quickStart.before(async (context) => {
  context.kafka = await startTestBroker();
});

quickStart.after(async (context) => {
  await context.kafka?.stop();
});

/** The `stampede …` command lines of the README's "Quick start" section, comments removed. */
function quickStartCommands(): string[][] {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  const section = /\n## Quick start\n([^]*?)\n## /.exec(readme)?.[1];
  assert.ok(section !== undefined, 'README has a "## Quick start" section');
  const blocks = [...section.matchAll(/```sh\n([^]*?)```/g)].map((match) => match[1]!);
  const lines = blocks.flatMap((block) => block.split('\n')).map((line) => line.replace(/\s+#.*$/, '').trim());
  return lines.filter((line) => /^(npx )?stampede /.test(line)).map((line) => line.replace(/^npx /, '').split(/\s+/).slice(1));
}

/** A README command made to run here: the test broker, a topic of its own, 2 s instead of its duration, a result file. */
function adapted(args: readonly string[], bootstrap: string, n: number): { args: string[]; out: string } {
  const out = join(dir, `step-${n}.json`);
  const result = [...args];
  const set = (flag: string, value: string): void => {
    const at = result.indexOf(flag);
    if (at === -1) result.push(flag, value);
    else result[at + 1] = value;
  };
  if (result.includes('--duration')) set('--duration', '2s');
  if (!(result.includes('--client') && result[result.indexOf('--client') + 1] === 'null')) set('--brokers', bootstrap);
  set('--topic', `quick-start-${randomUUID().slice(0, 8)}`);
  set('--out', out);
  return { args: result, out };
}

quickStart('every command of the quick start runs and passes: null client, your cluster, the local broker', async ({ kafka }) => {
  const commands = quickStartCommands();
  const names = commands.map((args) => args.slice(0, 2).join(' '));
  for (const expected of ['broker up', 'broker down']) assert.ok(names.includes(expected), `the quick start says "stampede ${expected}"`);
  const runs = commands.filter((args) => args[0] === 'run');
  assert.ok(runs.some((args) => args.includes('null')), 'a run with no broker');
  assert.ok(runs.length >= 3, `${runs.length} run commands`);
  for (const [n, args] of runs.entries()) {
    const step = adapted(args, kafka!.bootstrap, n);
    const outcome = await runCli(step.args, { cwd: dir, timeoutMs: 120_000 });
    if (process.env['SHOW_QUICK_START'] === '1') console.log(`$ stampede ${step.args.join(' ')}\n${outcome.stdout}${outcome.stderr}`);
    // At a fixed rate, exit 3 (not valid) is the verdict the README explains, not a failure of the
    // command: on a loaded test host the generator can fall behind 10,000 records/s for a 2 s run.
    const expected = args.includes('--rate') ? [0, 3] : [0];
    assert.ok(expected.includes(outcome.code ?? -1), `exit ${outcome.code} of stampede ${step.args.join(' ')}\n${outcome.stdout}\n${outcome.stderr}`);
    const result = JSON.parse(readFileSync(step.out, 'utf8')) as RunResult;
    assert.is(result.totals.acked, result.totals.sent, 'every record sent was acked');
    assert.ok(result.totals.acked > 0);
    if (args.includes('--rate')) assert.match(outcome.stdout, outcome.code === 0 ? /^✓ valid at 10,000 rec\/s/m : /^✗ NOT VALID: /m);
    if (args.includes('--e2e')) assert.equal([result.integrity!.lost, result.integrity!.duplicates], [0, 0]);
    assert.match(outcome.stdout, new RegExp(`^result: ${step.out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  }
});

quickStart.run();
