import { specsFor, type CommandName, type OptionSpec } from '../options/schema.js';
import { isTakenBy } from '../options/not-taken.js';
import { readProfile } from '../clients/librdkafka-settings.js';
import { ExitCode } from './exit-codes.js';
import { EXAMPLES, choicesText, kSectionOrder, placeholder, sectionOf, shownOption, valueNotes, type Example } from './help-content.js';
import { descriptionColumn, hanging, paragraph, twoColumn } from './help-layout.js';

/** A command as --help names it: its usage line and one sentence of what it does. */
export interface HelpCommand {
  readonly usage: string;
  readonly options?: CommandName;
  readonly describe: string | false;
  /** Its positionals: name and text. */
  readonly positionals?: readonly { name: string; describe: string }[];
}

/** Kinds a flag may repeat. */
const isRepeatable = (spec: OptionSpec): boolean => ['props', 'thresholds', 'observe-list', 'strings'].includes(spec.kind.type);

/** The options a command's --help lists: its schema rows, less those it refuses. */
export function listedOptions(command: CommandName): OptionSpec[] {
  return specsFor(command).filter((spec) => isTakenBy(command, spec.name));
}

/** What each profile sets that matters most, read from its file so the help cannot drift from it. */
function profileSummary(profiles: readonly string[]): string {
  const described = profiles.map((name) => {
    try {
      const settings = readProfile(name);
      const traits = [`acks=${settings['acks'] ?? '?'}`, `linger.ms=${settings['linger.ms'] ?? '?'}`];
      if (settings['enable.idempotence'] === 'true') traits.push('idempotent');
      if (settings['compression.type'] !== undefined && settings['compression.type'] !== 'none') traits.push(settings['compression.type']);
      return `${name} (${traits.join(', ')})`;
    } catch {
      return name;
    }
  });
  return `${described.join(', ')}.`;
}

/** One option's entry: "--name <value>" and its text, choices, repetition and default. */
function optionEntry(command: CommandName, spec: OptionSpec, width: number, column: number): string[] {
  const shown = shownOption(command, spec);
  const parts = [shown.describe];
  const choices = choicesText(spec, shown.describe);
  if (choices !== undefined) parts.push(spec.name === 'profile' && spec.kind.type === 'enum' ? `Choices: ${profileSummary(spec.kind.values)}` : choices);
  if (isRepeatable(spec) && !/repeatable/.test(shown.describe)) parts.push('(repeatable)');
  if (shown.default !== undefined) parts.push(`[default: ${shown.default}]`);
  const value = placeholder(spec);
  // Each part a sentence of its own: a text ending without a stop gets one before the next part.
  const text = parts.map((part, i) => (i < parts.length - 1 && !parts[i + 1]!.startsWith('[default') && !/[.)\]]$/.test(part) ? `${part}.` : part)).join(' ');
  return twoColumn(`--${spec.name}${value === '' ? '' : ` ${value}`}`, text, width, column);
}

/** The command's options, grouped under their section headings. */
function optionSections(command: CommandName, width: number): string[] {
  const column = descriptionColumn(width);
  const bySection = new Map<string, OptionSpec[]>();
  for (const spec of listedOptions(command)) {
    const section = sectionOf(command, spec);
    bySection.set(section, [...(bySection.get(section) ?? []), spec]);
  }
  const rank = (heading: string): number => (kSectionOrder.includes(heading) ? kSectionOrder.indexOf(heading) : kSectionOrder.length);
  const lines: string[] = [];
  for (const heading of [...bySection.keys()].sort((a, b) => rank(a) - rank(b))) {
    lines.push('', `${heading}:`);
    for (const spec of bySection.get(heading)!) lines.push(...optionEntry(command, spec, width, column));
  }
  return lines;
}

function exampleLines(examples: readonly Example[], width: number): string[] {
  const lines = ['', 'Examples:'];
  for (const example of examples) lines.push(...paragraph(`$ ${example.command}`, width, 2), ...paragraph(example.says, width, 4));
  return lines;
}

/** --help of one command: usage, what it does, its options by section, value notation, examples. */
export function commandHelp(entry: HelpCommand, width: number): string {
  const command = entry.options;
  const lines = [...paragraph(`Usage: stampede ${entry.usage}${command === undefined ? '' : ' [options]'}`, width), ''];
  if (entry.describe !== false) lines.push(...paragraph(`${entry.describe}.`, width));
  if (entry.positionals !== undefined && entry.positionals.length > 0) {
    lines.push('', 'Arguments:');
    for (const positional of entry.positionals) lines.push(...twoColumn(positional.name, positional.describe, width, descriptionColumn(width)));
  }
  if (command !== undefined) {
    lines.push(...optionSections(command, width));
    const notes = valueNotes(listedOptions(command));
    if (notes.length > 0) lines.push('', 'Values:');
    for (const note of notes) lines.push(...hanging(note, width, 2));
    lines.push(...exampleLines(EXAMPLES[command], width));
  }
  return `${lines.join('\n')}\n`;
}

/** Exit codes and what they mean, as every command uses them. */
const kExitCodes: readonly (readonly [number, string])[] = [
  [ExitCode.ok, 'passed'],
  [ExitCode.failure, 'a failure during the run (the result is still written), or verify found a problem'],
  [ExitCode.usage, 'bad input: a flag, a file, an unreachable cluster'],
  [ExitCode.notValid, 'not valid at the asked rate (the generator fell behind); max: no rate meets the SLO'],
  [ExitCode.integrity, 'records lost or duplicated (--e2e), or an aborted transaction\'s record read'],
  [ExitCode.regression, 'diff: a metric regressed beyond --fail-above'],
  [ExitCode.thresholdFailed, 'a --threshold failed'],
  [ExitCode.interrupted, 'Ctrl-C or SIGTERM (the result is still written)'],
];

/** `stampede --help`: the commands, where their options are, exit codes, a first example or three. */
export function topHelp(commands: readonly HelpCommand[], width: number): string {
  const column = descriptionColumn(width);
  const lines = [...paragraph('Usage: stampede <command> [options]', width), ''];
  lines.push(...paragraph('A load generator for Apache Kafka: simulated devices produce records at a rate you choose; it reports throughput, latency percentiles and whether every record arrived.', width));
  lines.push('', 'Commands:');
  for (const entry of commands) if (entry.describe !== false) lines.push(...twoColumn(entry.usage, entry.describe, width, column));
  lines.push('', ...paragraph('stampede <command> --help lists the options of one command.', width));
  lines.push('', 'Options:');
  lines.push(...twoColumn('--help', 'This text', width, column), ...twoColumn('--version', 'stampede\'s version and its librdkafka\'s features', width, column));
  lines.push('', 'Exit codes:');
  for (const [code, meaning] of kExitCodes) lines.push(...twoColumn(String(code), meaning, width, 8));
  lines.push(...exampleLines(EXAMPLES.stampede, width));
  return `${lines.join('\n')}\n`;
}
