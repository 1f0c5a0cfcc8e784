import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { failOnUsage } from '../../src/cli/usage.js';
import { parseInteger } from '../../src/options/parse.js';
import type { RunResult } from '../../src/contracts/result.js';
import { renderTable } from '../../src/fmt.js';
import { startTestBroker } from '../../test/helpers/broker.js';
import { runCli } from '../../test/helpers/cli.js';
import { startTestHosts } from '../../test/helpers/sshd.js';
import { measureBeside } from './beside.js';
import { runBench } from '../shared/entry.js';

const bytesRange = (bytes: readonly number[]): string => {
  if (bytes.length === 0) return '—';
  const [low, high] = [Math.min(...bytes), Math.max(...bytes)].map((value) => value.toLocaleString('en-US'));
  return low === high ? low! : `${low}–${high}`;
};

/** One run's figures: what the many-hosts table of docs/benchmarks.md shows. */
interface FleetFigures {
  label: string;
  round: number;
  recordsPerSec: number;
  exact: boolean;
  /** CPU (cores) of processes not this benchmark's during the run, and the busiest of them */
  besideCores: number;
  besideTop: string[];
  coordinatorCpuMsPerInterval: number | null;
  bytesPerIntervalLine: number[];
  clockBoundMs: number | null;
  goSpreadMs: number | null;
}

/**
 * `npm run bench:fleet`: records/s for a one-process run and for 1, 2 and 3 hosts over ssh, the
 * coordinator's CPU per interval and the bytes of each host's interval line. The "hosts" are the
 * sshd instances the tests use (127.0.0.2–4, this machine): every host shares this machine's
 * cores with the broker, so this measures the fleet machinery's exactness and overhead, not scaling.
 */
async function main(): Promise<void> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('bench-fleet')
    .option('rounds', { type: 'string', default: '3', describe: 'Rounds; each runs one process, then 1, 2, 3 hosts' })
    .option('seconds', { type: 'string', default: '10', describe: 'Measured seconds per run (after a 2 s warmup)' })
    .option('devices', { type: 'string', default: '100000', describe: 'Devices per run (split across the hosts)' })
    .option('out', { type: 'string', describe: 'JSON of every run (default: a temp file, printed)' })
    .strict()
    .fail(failOnUsage('bench-fleet'))
    .parseAsync();
  const rounds = parseInteger('--rounds', argv.rounds, 1, 10);
  const seconds = parseInteger('--seconds', argv.seconds, 2, 600);
  const devices = parseInteger('--devices', argv.devices, 3, 10_000_000);

  const dir = mkdtempSync(join(tmpdir(), 'stampede-bench-fleet-'));
  const hosts = await startTestHosts(3);
  const kafka = await startTestBroker();
  const figures: FleetFigures[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const hostCount of [0, 1, 2, 3]) {
        const label = hostCount === 0 ? 'one process, no --hosts' : `${hostCount} host${hostCount > 1 ? 's' : ''}`;
        const out = join(dir, `r${round}-h${hostCount}.json`);
        const fleetArgs = hostCount === 0 ? [] : ['--hosts', hosts.names.slice(0, hostCount).join(','), '--ssh-config', hosts.sshConfig];
        const beside = measureBeside();
        const outcome = await runCli(
          ['run', ...fleetArgs, '--brokers', kafka.bootstrap, '--topic', `bench-fleet-${round}-${hostCount}`, '--partitions', '6', '--workers', '1', '--devices', String(devices), '--warmup', '2s', '--duration', `${seconds}s`, '--out', out],
          { timeoutMs: (seconds + 120) * 1000 },
        );
        const besides = beside.stop();
        if (outcome.code !== 0) throw new Error(`${label}, round ${round}: exit ${outcome.code}\n${outcome.stderr}`);
        const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
        figures.push({
          label,
          round,
          recordsPerSec: Math.round(result.totals.recordsPerSec),
          exact: result.totals.acked === result.totals.sent && result.totals.errors === 0,
          besideCores: besides.cores,
          besideTop: besides.top,
          coordinatorCpuMsPerInterval: result.fleet ? result.fleet.coordinator.cpuMicrosPerInterval / 1000 : null,
          bytesPerIntervalLine: result.hosts?.map((host) => host.protocol.bytesPerIntervalLine) ?? [],
          clockBoundMs: result.fleet ? result.fleet.clockSkewBoundUs / 1000 : null,
          goSpreadMs: result.fleet?.goSpreadUs == null ? null : result.fleet.goSpreadUs / 1000,
        });
        console.log(`round ${round}: ${label}: ${figures[figures.length - 1]!.recordsPerSec.toLocaleString('en-US')} rec/s; beside it ${besides.cores.toFixed(2)} cores${besides.top.length > 0 ? ` (${besides.top.join('; ')})` : ''}`);
      }
    }
  } finally {
    await kafka.stop();
    await hosts.stop();
  }
  const byLabel = new Map<string, FleetFigures[]>();
  for (const figure of figures) byLabel.set(figure.label, [...(byLabel.get(figure.label) ?? []), figure]);
  const each = (runs: FleetFigures[], pick: (figure: FleetFigures) => string): string => runs.map(pick).join(' / ');
  console.log(
    `\n${renderTable(
      ['run', 'records/s', 'acked = sent', 'coordinator CPU per 1 s interval', 'bytes per interval line per host', 'clock bound', 'go spread', 'other processes (cores)'],
      [...byLabel].map(([label, runs]) => [
        label,
        each(runs, (run) => run.recordsPerSec.toLocaleString('en-US')),
        each(runs, (run) => (run.exact ? '✓' : '✗')),
        each(runs, (run) => (run.coordinatorCpuMsPerInterval === null ? '—' : `${run.coordinatorCpuMsPerInterval.toFixed(1)} ms`)),
        each(runs, (run) => bytesRange(run.bytesPerIntervalLine)),
        each(runs, (run) => (run.clockBoundMs === null ? '—' : `${run.clockBoundMs.toFixed(2)} ms`)),
        each(runs, (run) => (run.goSpreadMs === null ? '—' : `${run.goSpreadMs.toFixed(2)} ms`)),
        each(runs, (run) => run.besideCores.toFixed(2)),
      ]),
    )}`,
  );
  const out = argv.out ?? join(dir, 'bench-fleet.json');
  writeFileSync(out, JSON.stringify({ rounds, seconds, devices, figures }, null, 2));
  console.log(`\nresults: ${out}`);
}

runBench('bench-fleet', main);
