import { StampedeError } from '../errors.js';
import type { CommandName } from './schema.js';

/**
 * Workload options that a command made of runs has no use for, and what to write instead. Their
 * flags stay known to the parser, so a user who gives one reads why (not "Unknown argument"), but
 * `--help` does not list them. `max` chooses the rate and length of every run itself and searches
 * whole runs; `compare` measures cost, not behaviour under faults or against thresholds.
 */
export const NOT_TAKEN: Readonly<Partial<Record<CommandName, Readonly<Record<string, string>>>>> = {
  max: {
    rate: 'max chooses every step\'s rate itself',
    stages: 'max chooses every step\'s rate itself',
    steps: 'max chooses every step\'s rate itself',
    records: 'each step runs for --step-duration',
    duration: 'use --step-duration',
    threshold: 'use --slo',
    'instance-id': 'each step must measure the whole run, not one slice of it: use --hosts',
    instances: 'each step must measure the whole run, not one slice of it: use --hosts',
    'run-id': 'each step must measure the whole run, not one slice of it: use --hosts',
    fault: 'faults would fail every step',
    stall: 'faults would fail every step',
    'metrics-port': 'max serves no /metrics',
    'metrics-host': 'max serves no /metrics',
    html: 'max writes its JSON result only',
    hgrm: 'max writes its JSON result only',
    csv: 'max writes its JSON result only',
  },
  sweep: {
    hgrm: 'each point\'s whole result is written beside the sweep\'s JSON; stampede report makes .hgrm files of it',
    csv: 'each point\'s whole result is written beside the sweep\'s JSON; stampede report makes CSV of it',
    'metrics-port': 'a sweep serves no /metrics',
    'metrics-host': 'a sweep serves no /metrics',
  },
  compare: {
    threshold: 'compare measures where a record\'s time goes and checks no thresholds: use run',
    fault: 'compare measures cost, not behaviour under faults: use run',
    stall: 'compare measures cost, not behaviour under faults: use run',
    'metrics-port': 'compare serves no /metrics: use run',
    'metrics-host': 'compare serves no /metrics: use run',
  },
};

/** Whether the command takes this option of its schema rows (false: known, refused, not listed). */
export function isTakenBy(command: CommandName, name: string): boolean {
  return NOT_TAKEN[command]?.[name] === undefined;
}

/** Throws (exit 2) on the first flag given that the command does not take, saying what to use instead. */
export function rejectNotTaken(command: CommandName, flags: Readonly<Record<string, unknown>>): void {
  for (const [name, why] of Object.entries(NOT_TAKEN[command] ?? {})) {
    if (flags[name] !== undefined) throw new StampedeError('E_OPTION', `--${name} is not taken by ${command}: ${why}`);
  }
}
