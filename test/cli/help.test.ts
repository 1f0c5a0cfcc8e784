import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/paths.js';
import { runCli } from '../helpers/cli.js';
import { COMMANDS, buildCli, helpFor, type Dispatch } from '../../src/cli/program.js';
import { listedOptions } from '../../src/cli/help.js';
import { EXAMPLES, shownOption } from '../../src/cli/help-content.js';
import { NOT_TAKEN } from '../../src/options/not-taken.js';
import type { CommandName } from '../../src/options/schema.js';
import { parseByKind } from '../../src/options/parse.js';

/** Every command a user can ask --help of (all but the hidden agent), with positionals that let it parse. */
const kCommands: readonly { name: CommandName; positionals: string[] }[] = COMMANDS.filter((entry) => entry.describe !== false && entry.options !== undefined).map((entry) => ({
  name: entry.options!,
  positionals: (entry.positionals ?? []).map((positional) => positional.choices?.[0] ?? 'a.json'),
}));

/** The flags a help text lists: every "  --name" that starts an entry. */
const listedFlags = (help: string): string[] => [...help.matchAll(/^ {2}--([a-z0-9-]+)/gm)].map((match) => match[1]!);

/** Every whitespace-separated word of the text, as the help shows it. */
const wordsOf = (text: string): Set<string> => new Set(text.split(/\s+/).filter((word) => word !== ''));

/** The help of one command, checked as a reader sees it: no line past the width, no word split, examples last. */
function checkLayout(label: string, help: string, width: number): void {
  for (const line of help.split('\n')) assert.ok(line.length <= width, `${label}: a line of ${line.length} columns over ${width}:\n${line}`);
  assert.not.match(help, /\[(string|number|array|boolean)\]/, `${label}: yargs type tags`);
  assert.match(help, /\nExamples:\n {2}\$ stampede /, `${label}: ends with worked examples`);
}

/** Each word of every text the help is made of appears whole: a word broken at a line end would not. */
function checkNoSplitWord(command: CommandName, help: string): void {
  const shown = wordsOf(help);
  for (const spec of listedOptions(command)) {
    const { describe } = shownOption(command, spec);
    // The last word may carry the full stop help puts between an option's text and its choices.
    for (const word of wordsOf(describe)) assert.ok(shown.has(word) || shown.has(`${word}.`), `${command} --help: "${word}" of --${spec.name} is not shown whole`);
  }
  const entry = COMMANDS.find((candidate) => candidate.name === command)!;
  for (const word of wordsOf(String(entry.describe))) assert.ok(shown.has(word) || shown.has(`${word}.`), `${command} --help: "${word}" of its summary is not shown whole`);
}

for (const { name } of kCommands) {
  test(`${name} --help at 80 columns: within them, no split word, examples, only the flags it takes`, () => {
    const help = helpFor([name, '--help'], 80)!;
    checkLayout(`${name} --help`, help, 80);
    checkNoSplitWord(name, help);
    const listed = listedFlags(help);
    assert.equal([...listed].sort(), listedOptions(name).map((spec) => spec.name).sort(), `${name} lists exactly the options it takes`);
    for (const refused of Object.keys(NOT_TAKEN[name] ?? {})) assert.not.ok(listed.includes(refused), `${name} --help lists --${refused}, which it refuses`);
  });
}

test('run --help piped: 80 columns without $COLUMNS, $COLUMNS when set; nothing on stderr', async () => {
  const piped = await runCli(['run', '--help'], { timeoutMs: 30_000, env: { COLUMNS: '' } });
  assert.is(piped.code, 0, piped.stderr);
  assert.is(piped.stderr, '');
  checkLayout('run --help piped', piped.stdout, 80);
  checkNoSplitWord('run', piped.stdout);
  assert.ok(piped.stdout.split('\n').some((line) => line.length > 70), 'the lines use the width');
  const wide = await runCli(['run', '-h'], { timeoutMs: 30_000, env: { COLUMNS: '100' } });
  checkLayout('run -h at COLUMNS=100', wide.stdout, 100);
  assert.ok(wide.stdout.split('\n').some((line) => line.length > 80), 'COLUMNS=100 is used');
});

test('every flag each command lists parses on that command without an unknown-option error', async () => {
  for (const { name, positionals } of kCommands) {
    for (const flag of listedFlags(helpFor([name, '--help'], 80)!)) {
      const spec = listedOptions(name).find((candidate) => candidate.name === flag)!;
      const args = [name, ...positionals, `--${flag}`, ...(spec.kind.type === 'bool' ? [] : ['1'])];
      const ran: Record<string, unknown>[] = [];
      const dispatch: Dispatch = {
        run: (_entry, argv) => {
          ran.push(argv);
          return 0;
        },
        fail: (message, err) => {
          throw new Error(`${args.join(' ')}: ${message ?? err?.message}`);
        },
      };
      await buildCli(args, dispatch, () => undefined).parseAsync();
      assert.is(ran.length, 1, `${args.join(' ')} reached the command`);
      assert.ok(ran[0]![flag] !== undefined, `${args.join(' ')}: --${flag} parsed`);
    }
  }
});

/** Parses one command line as the CLI would, with its options' own parsers on every value; returns the command. */
async function parsesAs(line: string): Promise<CommandName> {
  // Quotes only wrap simple values here ('p99<50ms'): dropping them is what a shell does.
  const args = line.trim().replace(/'/g, '').split(/\s+/).slice(1);
  let command: CommandName | undefined;
  const dispatch: Dispatch = {
    run: (entry) => {
      command = entry.options;
      return 0;
    },
    fail: (message, err) => {
      throw new Error(`"${line}": ${message ?? err?.message}`);
    },
  };
  await buildCli(args, dispatch, () => undefined).parseAsync();
  assert.ok(command !== undefined, `"${line}" reaches a command`);
  for (const [at, flag] of args.entries()) {
    if (!flag.startsWith('--')) continue;
    const spec = listedOptions(command).find((candidate) => candidate.name === flag.slice(2));
    assert.ok(spec !== undefined, `"${line}": ${flag} is listed by ${command} --help`);
    if (spec.kind.type !== 'bool') parseByKind(flag, spec.kind, args[at + 1]);
  }
  return command;
}

test('every worked example parses: a known command, only flags it takes, values its options accept', async () => {
  for (const [owner, examples] of Object.entries(EXAMPLES)) {
    for (const example of examples) {
      for (const line of example.command.split('&&')) {
        const command = await parsesAs(line);
        if (owner !== 'stampede') assert.is(command, owner, `${owner}'s example runs ${owner}`);
      }
    }
  }
});

test('every command of the README\'s Common tasks parses, with values its options accept', async () => {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  const section = /\n## Common tasks\n([^]*?)\n## /.exec(readme)?.[1];
  assert.ok(section !== undefined, 'README has a "## Common tasks" section');
  // B and T stand for the user's brokers and topic; … for the rest of a command.
  const lines = [...section.matchAll(/`(stampede [^`]*)`/g)].map((match) => match[1]!.replace(/ …/g, '').replace(/\bB\b/g, 'kafka-1:9092').replace(/\bT\b/g, 'orders'));
  assert.ok(lines.length >= 15, `${lines.length} commands`);
  for (const line of lines) await parsesAs(line);
});

test('help fits narrower and wider terminals too: 60 and 120 columns', () => {
  for (const width of [60, 120]) {
    checkLayout(`stampede --help at ${width}`, helpFor(['--help'], width)!, width);
    for (const { name } of kCommands) checkLayout(`${name} --help at ${width}`, helpFor([name, '-h'], width)!, width);
  }
});

test('stampede --help lists the commands, exit codes and examples; a bare number in a duration is said to mean seconds', () => {
  assert.ok(kCommands.length >= 10, `${kCommands.length} commands checked`);
  const top = helpFor(['--help'], 80)!;
  checkLayout('stampede --help', top, 80);
  for (const { name } of kCommands) assert.match(top, new RegExp(`^ {2}${name}\\b`, 'm'), name);
  assert.match(top, /^ {2}130 +Ctrl-C/m);
  const run = helpFor(['run', '--help'], 80)!;
  assert.match(run, /A bare number means seconds/);
  assert.match(run, /--profile <choice> +[^]*throughput \(acks=1, linger\.ms=100\)/);
  assert.match(run, /--format <iot-msgpack\|iot-json\|fixed>/);
  assert.match(helpFor(['consume', '--help'], 80)!, /--from <earliest\|latest>/);
});

test('--help before the command word shows that command\'s help; the hidden agent command has none of its own', () => {
  assert.is(helpFor(['--help', 'max'], 80), helpFor(['max', '--help'], 80));
  assert.is(helpFor(['agent', '--help'], 80), helpFor(['--help'], 80));
  assert.is(helpFor(['run', '--', '--help'], 80), undefined);
});

test('max --help shows the defaults max uses: a 2 s warmup per step, results/max-<time>.json', () => {
  const help = helpFor(['max', '--help'], 100)!;
  assert.match(help, /--warmup <duration> +Time each step sends before it is measured \[default: 2s\]/);
  assert.match(help, /--out <file> +JSON result path \[default: results\/max-<time>\.json\]/);
  assert.not.match(help, /run-<time>/);
});

test('compare refuses the flags it would ignore, with one line saying what to use', async () => {
  for (const [flag, value] of [['threshold', 'p99<1ms'], ['metrics-port', '0']] as const) {
    const outcome = await runCli(['compare', '--client', 'null', `--${flag}`, value], { timeoutMs: 30_000 });
    assert.is(outcome.code, 2, outcome.stderr);
    assert.is(outcome.stderr.trim(), `stampede: --${flag} is not taken by compare: ${NOT_TAKEN.compare![flag]}`);
    assert.is(outcome.stdout, '');
  }
});

test('max refuses a flag its help does not list, saying why', async () => {
  const outcome = await runCli(['max', '--slo', 'p99<50ms', '--rate', '1000'], { timeoutMs: 30_000 });
  assert.is(outcome.code, 2);
  assert.match(outcome.stderr, /^stampede: --rate is not taken by max: max chooses every step's rate itself\n$/);
});

test.run();
