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

/** The record traces compared, each run once per round, in a rotated order. */
const kKinds = [
  { name: 'value', describe: 'identity in the value only: rd_kafka_produce_batch, no header' },
  { name: 'header', describe: 'a 29-byte stampede.trace header and CreateTime per record: rd_kafka_produceva per record' },
] as const;
type KindName = (typeof kKinds)[number]['name'];

interface Sample {
  kind: KindName;
  round: number;
  recordsPerSec: number;
  acked: number;
  /** stampede's own CPU (the process and its threads), cores over the run */
  stampedeCores: number;
  /** stampede's CPU-seconds per million acked records over the measured window (its result) */
  cpuSecPerMillionAcked: number | null;
  brokerCores: number | null;
}

/**
 * `npm run bench:trace` (not in `make test`): what the record trace header costs at max rate.
 * records/s and CPU-seconds per million acked records with `--record-trace header` against
 * `value`, on one broker of its own, same minute, in interleaved rounds.
 */
async function main(): Promise<number> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('bench-trace')
    .option('rounds', { type: 'string', default: '3', describe: 'Interleaved rounds (each runs every kind once)' })
    .option('duration', { type: 'string', default: '8s', describe: 'Measured time per run (after 2 s warmup)' })
    .option('workers', { type: 'string', default: '1', describe: 'Producer threads' })
    .option('out', { type: 'string', describe: 'JSON path (default results/bench-trace-<time>.json)' })
    .strict()
    .fail(failOnUsage('bench-trace'))
    .parseAsync();
  const rounds = parseInteger('--rounds', argv.rounds, 1, 20);
  const durationMs = parseDurationMs('--duration', argv.duration, 1000);
  const workers = parseInteger('--workers', argv.workers, 1, 64);

  const broker = await startOwnBroker('bench-trace');
  const workDir = mkdtempSync(join(tmpdir(), 'stampede-trace-'));
  const common = ['--brokers', broker.bootstrap, '--format', 'fixed', '--record-size', '100', '--devices', '100000', '--partitions', '6', '--workers', String(workers), '--warmup', '2s', '--duration', `${durationMs / 1000}s`];
  const loadBefore = loadavg();
  const samples: Sample[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      for (const kind of rotated(kKinds, round)) samples.push(await runKind(kind.name, round, common, workDir, broker.pid, durationMs, rounds));
    }
  } finally {
    await broker.stop();
  }
  report(samples, rounds, workers, durationMs, loadBefore, argv.out);
  return 0;
}

async function runKind(kind: KindName, round: number, common: string[], workDir: string, brokerPid: number, durationMs: number, rounds: number): Promise<Sample> {
  const out = join(workDir, `${kind}-${round}.json`);
  const args = [join(projectRoot, 'bin', 'stampede.js'), 'run', ...common, '--topic', `trace-${kind}-${round}`, '--record-trace', kind, '--out', out];
  const run = await runTool(process.execPath, args, { brokerPid, timeoutMs: durationMs + 120_000 });
  if (run.code !== 0) throw new Error(`${kind} run failed (exit ${run.code}): ${run.stderr.trim().split('\n').slice(-2).join(' | ')}`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  const sample: Sample = {
    kind,
    round,
    recordsPerSec: result.totals.recordsPerSec,
    acked: result.totals.acked,
    stampedeCores: run.cpu.toolCores,
    cpuSecPerMillionAcked: result.generator?.cpuSecPerMillionAcked ?? null,
    brokerCores: run.cpu.brokerCores ?? null,
  };
  console.log(`bench-trace: round ${round + 1}/${rounds} ${kind}: ${Math.round(sample.recordsPerSec).toLocaleString('en-US')} rec/s, stampede ${sample.stampedeCores.toFixed(2)} cores, ${sample.cpuSecPerMillionAcked?.toFixed(3) ?? '?'} CPU-s per million acked`);
  return sample;
}

function report(samples: Sample[], rounds: number, workers: number, durationMs: number, loadBefore: number[], outPath: string | undefined): void {
  const loadAfter = loadavg();
  const of = (kind: KindName): Sample[] => samples.filter((sample) => sample.kind === kind);
  const median = (kind: KindName, pick: (sample: Sample) => number): number => medianOf(of(kind).map(pick));
  const rate = (kind: KindName): number => median(kind, (sample) => sample.recordsPerSec);
  const cpu = (kind: KindName): number => median(kind, (sample) => sample.cpuSecPerMillionAcked ?? Number.NaN);
  const spread = (kind: KindName): string => spreadText(of(kind).map((sample) => sample.recordsPerSec));
  console.log(renderTable(
    ['trace', 'median rec/s', 'min – max', 'CPU-s / M acked', 'stampede cores', 'what'],
    kKinds.map((kind) => [kind.name, Math.round(rate(kind.name)).toLocaleString('en-US'), spread(kind.name), cpu(kind.name).toFixed(3), median(kind.name, (sample) => sample.stampedeCores).toFixed(2), kind.describe]),
  ));
  const ratios = { headerOverValueRate: rate('header') / rate('value'), headerOverValueCpuPerMillion: cpu('header') / cpu('value') };
  console.log(`header cost: header ÷ value = ${ratios.headerOverValueRate.toFixed(3)} in records/s, ${ratios.headerOverValueCpuPerMillion.toFixed(3)} in CPU-s per million acked`);
  console.log(`medians of ${rounds} interleaved rounds, ${workers} thread(s), 100-byte records, ${durationMs / 1000} s each; load average before ${loadAverageText(loadBefore)}, after ${loadAverageText(loadAfter)}; host ${hostFacts().cpus} × ${hostFacts().cpuModel}`);
  writeBenchResult('bench-trace', outPath, { kind: 'bench-trace', rounds, durationMs, workers, samples, ratios, loadBefore, loadAfter, host: hostFacts() });
}

runBench('bench-trace', main);
