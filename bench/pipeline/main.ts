import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { failOnUsage } from '../../src/cli/usage.js';
import { renderTable } from '../../src/fmt.js';
import { parseDurationMs, parseInteger } from '../../src/options/parse.js';
import { hostFacts } from '../../src/runtime.js';
import { startTestBroker } from '../../test/helpers/broker.js';
import { buildProcessor } from '../../test/helpers/processor.js';
import { runAtRate, type RateSample } from './stage-run.js';
import { runBench } from '../shared/entry.js';
import { writeBenchResult } from '../shared/result-file.js';
import { loadAverageText } from '../shared/rounds.js';

const ms = (us: number): string => (us / 1000).toFixed(1);

/**
 * `npm run bench:pipeline` (not in `make test`): at three fixed rates, one run each through the
 * Kafka Streams map topology the tests use. Per rate: the raw topic's end-to-end latency (--e2e)
 * beside the passthrough stage's (send → read from the processor's output), so the difference is
 * what the processor adds; and whether it kept up (every record through, its group's committed lag
 * never above two seconds of input).
 */
async function main(): Promise<number> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('bench-pipeline')
    .option('rates', { type: 'string', default: '2000,10000,30000', describe: 'Fixed rates in records/s, comma-separated' })
    .option('duration', { type: 'string', default: '20s', describe: 'Measured time per rate (after --warmup)' })
    .option('warmup', { type: 'string', default: '5s', describe: 'Time sent first and left out of latency' })
    .option('partitions', { type: 'string', default: '3', describe: 'Partitions of the raw and output topics' })
    .option('out', { type: 'string', describe: 'JSON path (default results/bench-pipeline-<time>.json)' })
    .strict()
    .fail(failOnUsage('bench-pipeline'))
    .parseAsync();
  const rates = argv.rates.split(',').map((rate) => parseInteger('--rates', rate.trim(), 1, 10_000_000));
  const durationS = parseDurationMs('--duration', argv.duration, 1000) / 1000;
  const warmupS = parseDurationMs('--warmup', argv.warmup, 0) / 1000;
  const partitions = parseInteger('--partitions', argv.partitions, 1, 64);

  const build = await buildProcessor();
  console.log(`bench-pipeline: processor ${build.buildMs > 0 ? `built in ${(build.buildMs / 1000).toFixed(1)} s` : 'reused'} (${build.dir}); starting a broker of its own…`);
  const broker = await startTestBroker();
  const workDir = mkdtempSync(join(tmpdir(), 'stampede-pipeline-'));
  const loadBefore = loadavg();
  const samples: RateSample[] = [];
  try {
    for (const rate of rates) {
      const sample = await runAtRate({ bootstrap: broker.bootstrap, rateRecordsPerSec: rate, durationS, warmupS, partitions, workDir });
      samples.push(sample);
      console.log(`bench-pipeline: ${rate.toLocaleString('en-US')} rec/s: raw p50 ${ms(sample.rawP50Us)} ms p99 ${ms(sample.rawP99Us)} ms; stage p50 ${ms(sample.stageP50Us)} ms p99 ${ms(sample.stageP99Us)} ms; lag max ${sample.maxLagRecords ?? '–'}`);
    }
  } finally {
    await broker.stop();
  }
  printTable(samples);
  const loadAfter = loadavg();
  const host = hostFacts();
  console.log(`${durationS} s per rate after ${warmupS} s warmup, ${partitions} partitions, iot-json, 1 producer thread; processor: Kafka Streams map, at_least_once, commit.interval.ms 1000, its defaults otherwise (its producer's linger.ms 100); broker, processor and stampede on this host; load average before ${loadAverageText(loadBefore)}, after ${loadAverageText(loadAfter)}; host ${host.cpus} × ${host.cpuModel}`);
  writeBenchResult('bench-pipeline', argv.out, { kind: 'bench-pipeline', durationS, warmupS, partitions, samples, loadBefore, loadAfter, host });
  return 0;
}

function printTable(samples: RateSample[]): void {
  const rows = samples.map((s) => [
    s.rateRecordsPerSec.toLocaleString('en-US'),
    s.valid ? 'yes' : 'no',
    `${ms(s.rawP50Us)} / ${ms(s.rawP99Us)}`,
    `${ms(s.stageP50Us)} / ${ms(s.stageP99Us)}`,
    `${ms(s.stageP50Us - s.rawP50Us)} / ${ms(s.stageP99Us - s.rawP99Us)}`,
    `${s.rawIntervalP99MaxUs === null ? '–' : ms(s.rawIntervalP99MaxUs)} / ${s.stageIntervalP99MaxUs === null ? '–' : ms(s.stageIntervalP99MaxUs)}`,
    `${s.lost ?? '–'} / ${s.duplicates ?? '–'}`,
    s.maxLagRecords === null ? '–' : s.maxLagRecords.toLocaleString('en-US'),
    s.keptUp ? 'yes' : 'no',
  ]);
  console.log(renderTable(['rate rec/s', 'rate held', 'raw e2e p50 / p99 ms', 'stage p50 / p99 ms', 'added p50 / p99 ms', 'worst 1 s p99 raw / stage ms', 'lost / dup', 'max lag', 'kept up'], rows));
  console.log('whole-run percentiles include the warmup\'s records (the processor\'s first seconds); "worst 1 s p99" and "max lag" are over the measured intervals only');
  const fastest = samples.filter((s) => s.keptUp).map((s) => s.rateRecordsPerSec);
  console.log(`highest rate the processor kept up with: ${fastest.length > 0 ? `${Math.max(...fastest).toLocaleString('en-US')} rec/s` : 'none of those asked'} (every record through, committed lag never above two seconds of input: one commit interval, one more)`);
}

runBench('bench-pipeline', main);
