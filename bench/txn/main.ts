import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { failOnUsage } from '../../src/cli/usage.js';
import { parseDurationMs, parseInteger } from '../../src/options/parse.js';
import { projectRoot } from '../../src/paths.js';
import { renderTable } from '../../src/fmt.js';
import type { RunResult } from '../../src/contracts/result.js';
import { hostFacts } from '../../src/runtime.js';
import { runTool } from '../max/spawn.js';
import { runBench } from '../shared/entry.js';
import { startOwnBroker } from '../shared/own-broker.js';
import { writeBenchResult } from '../shared/result-file.js';
import { loadAverageText, medianOf, rotated, spreadText } from '../shared/rounds.js';

/** The three ways of producing compared, each run once per round, in a rotated order. */
const kKinds = [
  { name: 'plain', describe: 'no transactions, the throughput profile (acks=1)', args: [] as string[] },
  { name: 'idempotent', describe: 'no transactions, acks=all + idempotence (what transactions imply)', args: ['--producer-props', 'acks=all', '--producer-props', 'enable.idempotence=true'] },
  { name: 'transactional', describe: '--transactional, a commit every 100 ms per thread', args: ['--transactional', '--transaction-ms', '100ms', '--transaction-records', '100000000'] },
] as const;
type KindName = (typeof kKinds)[number]['name'];

interface Sample {
  kind: KindName;
  round: number;
  recordsPerSec: number;
  stampedeCores: number;
  brokerCores: number | null;
  commits: number | null;
  commitP50Us: number | null;
  commitP99Us: number | null;
}

/**
 * `npm run bench:txn` (not in `make test`): what transactions cost. Throughput with
 * a commit every 100 ms ÷ without transactions, on one broker of its own, same minute, in a few
 * interleaved rounds; against both the default (acks=1) and acks=all + idempotence, which
 * transactions imply, so the cost of the commits themselves shows apart from that of acks=all.
 */
async function main(): Promise<number> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('bench-txn')
    .option('rounds', { type: 'string', default: '3', describe: 'Interleaved rounds (each runs every kind once)' })
    .option('duration', { type: 'string', default: '8s', describe: 'Measured time per run (after 2 s warmup)' })
    .option('workers', { type: 'string', default: '1', describe: 'Producer threads' })
    .option('out', { type: 'string', describe: 'JSON path (default results/bench-txn-<time>.json)' })
    .strict()
    .fail(failOnUsage('bench-txn'))
    .parseAsync();
  const rounds = parseInteger('--rounds', argv.rounds, 1, 20);
  const durationMs = parseDurationMs('--duration', argv.duration, 1000);
  const workers = parseInteger('--workers', argv.workers, 1, 64);

  const broker = await startOwnBroker('bench-txn');
  const workDir = mkdtempSync(join(tmpdir(), 'stampede-txn-'));
  const common = ['--brokers', broker.bootstrap, '--format', 'fixed', '--record-size', '100', '--devices', '100000', '--partitions', '6', '--workers', String(workers), '--warmup', '2s', '--duration', `${durationMs / 1000}s`];
  const loadBefore = loadavg();
  const samples: Sample[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      for (const kind of rotated(kKinds, round)) {
        const out = join(workDir, `${kind.name}-${round}.json`);
        const args = [join(projectRoot, 'bin', 'stampede.js'), 'run', ...common, '--topic', `txn-${kind.name}-${round}`, ...kind.args, '--out', out];
        const run = await runTool(process.execPath, args, { brokerPid: broker.pid, timeoutMs: durationMs + 120_000 });
        if (run.code !== 0) throw new Error(`${kind.name} run failed (exit ${run.code}): ${run.stderr.trim().split('\n').slice(-2).join(' | ')}`);
        const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
        const sample: Sample = {
          kind: kind.name,
          round,
          recordsPerSec: result.totals.recordsPerSec,
          stampedeCores: run.cpu.toolCores,
          brokerCores: run.cpu.brokerCores ?? null,
          commits: result.transactions?.committed ?? null,
          commitP50Us: result.latency.commit?.p50 ?? null,
          commitP99Us: result.latency.commit?.p99 ?? null,
        };
        samples.push(sample);
        console.log(`bench-txn: round ${round + 1}/${rounds} ${kind.name}: ${Math.round(sample.recordsPerSec).toLocaleString('en-US')} rec/s, stampede ${sample.stampedeCores.toFixed(2)} cores` + (sample.commits === null ? '' : `, ${sample.commits} commits, commit p50 ${((sample.commitP50Us ?? 0) / 1000).toFixed(1)} ms p99 ${((sample.commitP99Us ?? 0) / 1000).toFixed(1)} ms`));
      }
    }
  } finally {
    await broker.stop();
  }
  const loadAfter = loadavg();
  const of = (kind: KindName): Sample[] => samples.filter((sample) => sample.kind === kind);
  const median = (kind: KindName, pick: (sample: Sample) => number): number => medianOf(of(kind).map(pick));
  const rate = (kind: KindName): number => median(kind, (sample) => sample.recordsPerSec);
  const spread = (kind: KindName): string => spreadText(of(kind).map((sample) => sample.recordsPerSec));
  console.log(renderTable(
    ['kind', 'median rec/s', 'min – max', 'stampede cores', 'what'],
    kKinds.map((kind) => [kind.name, Math.round(rate(kind.name)).toLocaleString('en-US'), spread(kind.name), median(kind.name, (sample) => sample.stampedeCores).toFixed(2), kind.describe]),
  ));
  const ratios = { transactionalOverPlain: rate('transactional') / rate('plain'), transactionalOverIdempotent: rate('transactional') / rate('idempotent'), idempotentOverPlain: rate('idempotent') / rate('plain') };
  console.log(`transaction cost: transactional ÷ plain = ${ratios.transactionalOverPlain.toFixed(3)}, transactional ÷ idempotent = ${ratios.transactionalOverIdempotent.toFixed(3)} (idempotent ÷ plain = ${ratios.idempotentOverPlain.toFixed(3)})`);
  console.log(`medians of ${rounds} interleaved rounds, ${workers} thread(s), 100-byte records; load average before ${loadAverageText(loadBefore)}, after ${loadAverageText(loadAfter)}; host ${hostFacts().cpus} × ${hostFacts().cpuModel}`);
  writeBenchResult('bench-txn', argv.out, { kind: 'bench-txn', rounds, durationMs, workers, samples, ratios, loadBefore, loadAfter, host: hostFacts() });
  return 0;
}

runBench('bench-txn', main);
