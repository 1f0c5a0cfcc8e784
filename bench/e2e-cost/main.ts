import { resolve } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ensureKafkaJars } from '../../src/broker/local.js';
import { ClusterAdmin } from '../../src/clients/admin.js';
import { failOnUsage } from '../../src/cli/usage.js';
import { resolveConnection } from '../../src/connection/config.js';
import { parseInteger } from '../../src/options/parse.js';
import { hostFacts } from '../../src/runtime.js';
import { runStampede, type StampedeRun } from '../max/stampede-runs.js';
import type { BenchMaxSettings } from '../max/types.js';
import { summarizeE2eCost, type E2eCostRow } from './split.js';
import { runBench } from '../shared/entry.js';
import { startOwnBroker } from '../shared/own-broker.js';
import { writeBenchResult } from '../shared/result-file.js';
import { loadAverageText } from '../shared/rounds.js';

const kPartitions = 6;
const kWorkers = 2;
const kConsumers = 2;

/**
 * `npm run bench:e2e-cost` (not in `make test`): what `--e2e` costs the producers at max rate.
 * Interleaved rounds of the same run with and without `--e2e` (this build, and with --baseline
 * another checkout's), on a broker of its own: the producers' records/s of each, and, from the
 * consumers' thread CPU clocks (this build's result JSON), the consumers' own CPU per million
 * records, so the rate lost splits into the consumer path's own cost and the cores it shares.
 */
async function main(): Promise<number> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('bench-e2e-cost')
    .option('baseline', { type: 'string', describe: 'Another stampede checkout (built) run beside this one, e.g. the main branch' })
    .option('seconds', { type: 'string', default: '10', describe: 'Measured seconds per run (after a 2 s warmup)' })
    .option('rounds', { type: 'string', default: '5', describe: 'Interleaved rounds' })
    .option('out', { type: 'string', describe: 'JSON path (default results/bench-e2e-cost-<time>.json)' })
    .strict()
    .fail(failOnUsage('bench-e2e-cost'))
    .parseAsync();
  const seconds = parseInteger('--seconds', argv.seconds, 2, 600);
  const rounds = parseInteger('--rounds', argv.rounds, 1, 20);
  const loadBefore = loadAverageText();
  await ensureKafkaJars({ log: (line) => console.log(line) });
  const broker = await startOwnBroker('bench-e2e-cost');
  const bootstrap = broker.bootstrap;
  const admin = new ClusterAdmin(resolveConnection({ brokers: bootstrap }));
  try {
    const settings: BenchMaxSettings = { bootstrap, brokerPid: broker.pid, recordSizeBytes: 100, partitions: kPartitions, librdkafka: {}, connection: {}, connectionArgs: [], rdkafkaConnectionArgs: [], peerSeconds: seconds };
    const builds = [{ label: 'this build', root: undefined as string | undefined }, ...(argv.baseline ? [{ label: 'baseline', root: resolve(argv.baseline) }] : [])];
    const rows: E2eCostRow[] = [];
    const runId = Date.now().toString(36);
    let count = 0;
    for (let round = 1; round <= rounds; round++) {
      for (const build of builds) {
        for (const e2e of [false, true]) {
          const topic = `bench-e2e-cost-${runId}-${++count}`;
          await admin.ensureTopic({ topic, partitions: kPartitions, timeoutMs: 15_000 });
          const run: StampedeRun = { client: 'native', workers: kWorkers, topic, durationSec: seconds, producerProps: {}, extraArgs: e2e ? ['--e2e', '--consumers', String(kConsumers)] : [], root: build.root };
          const outcome = await runStampede(settings, run);
          const processCpuSeconds = outcome.cpu.toolCores * (outcome.wallMs / 1000);
          const consumerCpu = outcome.result?.integrity?.consumerCpu ?? null;
          const brokerCpuSeconds = (outcome.cpu.brokerCores ?? 0) * (outcome.wallMs / 1000);
          const row: E2eCostRow = { build: build.label, e2e, round, recordsPerSec: outcome.recordsPerSec, ackedTotal: outcome.ackedTotal ?? 0, processCpuSeconds, brokerCpuSeconds, consumerCpu, lost: outcome.result?.integrity?.lost ?? null, error: outcome.error };
          rows.push(row);
          const cpu = consumerCpu ? `, consumers' own CPU ${(consumerCpu.pollingSeconds + consumerCpu.librdkafkaSeconds).toFixed(2)} s (${consumerCpu.secondsPerMillionRecords ?? '—'} per M)` : '';
          console.log(`round ${round} ${build.label}${e2e ? ' --e2e' : ''}: ${row.error ?? `${Math.round(row.recordsPerSec).toLocaleString('en-US')} rec/s, process ${processCpuSeconds.toFixed(1)} CPU-s${cpu}`} (load ${loadAverageText()})`);
          await admin.deleteTopics([topic], 30_000).catch(() => undefined);
        }
      }
    }
    const summary = builds.map((build) => summarizeE2eCost(build.label, rows.filter((row) => row.build === build.label)));
    console.log('');
    for (const line of summary.flatMap((entry) => entry.lines)) console.log(line);
    const loadAfter = loadAverageText();
    const host = hostFacts();
    console.log(`load average (1/5/15 min) before ${loadBefore}, after ${loadAfter}; host ${host.cpus} × ${host.cpuModel}`);
    writeBenchResult('bench-e2e-cost', argv.out, { kind: 'bench-e2e-cost', seconds, workers: kWorkers, consumers: kConsumers, partitions: kPartitions, rows, summary: summary.map((entry) => entry.figures), loadAverage: { before: loadBefore, after: loadAfter }, host });
    return rows.some((row) => row.error !== undefined) ? 1 : 0;
  } finally {
    admin.close();
    await broker.stop();
  }
}

runBench('bench-e2e-cost', main);
