import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import yargs from 'yargs';
import { failOnUsage, usageFailure } from '../../src/cli/usage.js';
import { hideBin } from 'yargs/helpers';
import { isUserFacing, optionError } from '../../src/errors.js';
import { hostFacts, runtimeName, runtimeVersion } from '../../src/runtime.js';
import { compareWithBaseline, loadBaseline, regressionsOf } from './baseline.js';
import { measureSuites } from './measure.js';
import { renderComparisonNotes, renderMachineNote, renderMicroTable, renderRegressions, toJson } from './report.js';
import { createSuites } from './suites.js';
import type { MicroResult } from './types.js';

/**
 * `npm run bench:micro` / `make bench-micro`: tinybench over the hot paths of a worker (simulation,
 * encoding, histogram recording, batch packing, key hashing) and of the coordinator (histogram
 * merge). Numbers are per thread. With --baseline it compares ops/s and, with --fail-above, exits 1
 * naming every suite that got slower by more than that percentage. Speed is never asserted in tests.
 */
const flags = {
  short: { type: 'boolean', default: false, describe: 'CI-sized run: ~100 ms per suite, a few seconds in all (noisier)' },
  out: { type: 'string', requiresArg: true, describe: 'JSON result path [default: results/micro-<ISO time>.json]' },
  baseline: { type: 'string', requiresArg: true, describe: 'An earlier micro JSON result: adds a change-in-ops/s column (fails nothing without --fail-above)' },
  'fail-above': { type: 'string', requiresArg: true, implies: 'baseline', describe: 'Exit 1 if a suite is slower than the baseline by more than this % (e.g. 10)' },
} as const;

function parsePercent(field: string, raw: unknown): number {
  const text = String(raw).trim();
  const value = Number(text);
  if (text === '' || !Number.isFinite(value) || value < 0) throw optionError(field, 'a percentage of at least 0, such as 10', raw);
  return value;
}

async function main(args: string[]): Promise<number> {
  const argv = await yargs(args)
    .scriptName('bench-micro')
    .usage('$0 [--short] [--out FILE] [--baseline FILE [--fail-above PCT]]')
    .parserConfiguration({ 'camel-case-expansion': false, 'parse-numbers': false, 'parse-positional-numbers': false })
    .options(flags)
    .version(false)
    .strict()
    .fail(failOnUsage('bench-micro'))
    .help()
    .parseAsync();
  if (argv._.length > 0) usageFailure('bench-micro', `unexpected argument: ${argv._.join(' ')}`);

  const failAbovePct = argv['fail-above'] === undefined ? null : parsePercent('--fail-above', argv['fail-above']);
  // Read the baseline before measuring, so a wrong path fails in milliseconds, not after the run.
  const baseline = argv.baseline === undefined ? undefined : loadBaseline(argv.baseline);
  const startedAt = new Date().toISOString();
  const host = hostFacts();

  const suites = createSuites();
  console.log(`bench-micro: ${suites.length} suites${argv.short ? ' (--short)' : ''}…`);
  const measured = await measureSuites(suites, argv.short);
  const result: MicroResult = {
    schemaVersion: 1,
    kind: 'micro',
    startedAt,
    runtime: { name: runtimeName(), version: runtimeVersion() },
    host,
    short: argv.short,
    suites: measured,
  };
  if (baseline) result.comparison = compareWithBaseline(measured, baseline, failAbovePct);

  console.log(`\n${renderMicroTable(result)}\n`);
  console.log(renderMachineNote(host, argv.short));
  if (result.comparison) for (const line of renderComparisonNotes(result.comparison)) console.log(line);

  const out = argv.out ?? join('results', `micro-${startedAt.replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, toJson(result));
  console.log(`result: ${out}`);

  const regressions = result.comparison ? regressionsOf(result.comparison) : [];
  if (regressions.length > 0 && failAbovePct !== null) {
    console.error(`bench-micro: ${renderRegressions(regressions, failAbovePct)}`);
    return 1;
  }
  return 0;
}

main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (isUserFacing(err)) {
      console.error(`bench-micro: ${err.message}`);
      process.exitCode = err.exitCode;
      return;
    }
    console.error(err);
    process.exitCode = 1;
  },
);
