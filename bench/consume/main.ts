import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ensureKafkaJars } from '../../src/broker/local.js';
import { failOnUsage } from '../../src/cli/usage.js';
import { StampedeError } from '../../src/errors.js';
import { parseInteger } from '../../src/options/parse.js';
import { projectRoot } from '../../src/paths.js';
import { formatCount, renderTable } from '../../src/fmt.js';
import { hostFacts } from '../../src/runtime.js';
import { runTool } from '../max/spawn.js';
import { profileReads } from './profile.js';
import { runConsumerPerformance, runRdkafkaPerformanceConsume, runStampedeConsume, type ConsumeRound } from './peers.js';
import { runBench } from '../shared/entry.js';
import { startOwnBroker } from '../shared/own-broker.js';
import { writeBenchResult } from '../shared/result-file.js';
import { loadAverageText } from '../shared/rounds.js';

const kTopic = 'bench-consume';
const kPartitions = 6;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/**
 * `npm run bench:consume` (not in `make test`): `stampede consume` ÷ Kafka's
 * ConsumerPerformance, with librdkafka's rdkafka_performance -G beside them, reading the same
 * topic of 100-byte records on the same broker (one of its own, on free loopback ports), in
 * interleaved rounds, each in a fresh group from the earliest offset: records/s as each tool
 * reports it, and CPU-seconds per million records of each tool's own process (/proc/<pid>/stat,
 * start-up included). The load average is printed beside the figures: on a shared host the other
 * processes decide them as much as the tools do.
 */
async function main(): Promise<number> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('bench-consume')
    .option('records', { type: 'string', default: '3000000', describe: 'Records on the topic; every tool reads them all' })
    .option('rounds', { type: 'string', default: '3', describe: 'Interleaved rounds of every tool' })
    .option('out', { type: 'string', describe: 'JSON path (default results/bench-consume-<time>.json)' })
    .option('baseline', { type: 'string', describe: 'Another stampede checkout (built) whose consume runs beside this one, e.g. the main branch' })
    .option('props', { type: 'string', array: true, default: [] as string[], describe: "One more 'stampede consume --format none' of this build per value, with these librdkafka settings (k=v,k=v): fetch settings compared in the same rounds" })
    .option('profile', { type: 'string', describe: 'Directory: after the rounds, one more read of each build (--format none) under perf record, and its top symbols (perf report) written there' })
    .strict()
    .fail(failOnUsage('bench-consume'))
    .parseAsync();
  const records = parseInteger('--records', argv.records, 1000);
  const rounds = parseInteger('--rounds', argv.rounds, 1, 50);
  const baseline = argv.baseline === undefined ? undefined : resolve(argv.baseline);
  if (baseline && !existsSync(join(baseline, 'bin', 'stampede.js'))) throw new StampedeError('E_OPTION', `--baseline ${argv.baseline}: no bin/stampede.js there (a built stampede checkout is needed)`, { exitCode: 2 });
  const variants = argv.props.map((value) => value.split(',').map((pair) => pair.trim()).filter((pair) => pair.length > 0));
  for (const [index, pairs] of variants.entries()) {
    const bad = pairs.find((pair) => !/^[a-z0-9._-]+=.+$/i.test(pair));
    if (bad !== undefined || pairs.length === 0) throw new StampedeError('E_OPTION', `--props ${argv.props[index]}: expected k=v pairs separated by commas`, { exitCode: 2 });
  }
  await ensureKafkaJars({ log: (line) => console.log(line) });

  const workDir = mkdtempSync(join(tmpdir(), 'stampede-bench-consume-'));
  const broker = await startOwnBroker('bench-consume');
  const bootstrap = broker.bootstrap;
  try {
    const fill = [join(projectRoot, 'bin', 'stampede.js'), 'run', '--brokers', bootstrap, '--topic', kTopic, '--partitions', String(kPartitions), '--format', 'fixed', '--record-size', '100', '--records', String(records), '--workers', '2', '--out', join(workDir, 'fill.json')];
    console.log(`bench-consume: filling: stampede ${fill.slice(1).join(' ')}`);
    const filled = await runTool(process.execPath, fill, { brokerPid: broker.pid, timeoutMs: 10 * 60_000 });
    if (filled.code !== 0) throw new Error(`filling the topic failed (exit ${filled.code}): ${filled.stderr.trim().split('\n').slice(-2).join(' | ')}`);
    const loadBefore = loadAverageText();
    console.log(`bench-consume: ${formatCount(records)} records of 100 B on ${kTopic} (${kPartitions} partitions); load average ${loadBefore}`);
    const all: ConsumeRound[] = [];
    for (let round = 1; round <= rounds; round++) {
      const read = { bootstrap, brokerPid: broker.pid, topic: kTopic, records };
      const runs: (() => Promise<ConsumeRound>)[] = [
        () => runStampedeConsume({ ...read, format: 'none', out: join(workDir, `none-${round}.json`) }),
        () => runConsumerPerformance({ ...read, group: `perf-${round}-${Date.now()}` }),
        () => runStampedeConsume({ ...read, format: 'auto', out: join(workDir, `auto-${round}.json`) }),
        () => runRdkafkaPerformanceConsume({ ...read, group: `rdkafka-${round}-${Date.now()}` }),
        ...(baseline ? (['none', 'auto'] as const).map((format) => () => runStampedeConsume({ ...read, format, root: baseline, out: join(workDir, `baseline-${format}-${round}.json`) })) : []),
        ...variants.map((props, index) => () => runStampedeConsume({ ...read, format: 'none', consumerProps: props, out: join(workDir, `props-${index}-${round}.json`) })),
      ];
      for (const run of runs) {
        const outcome = await run();
        all.push(outcome);
        console.log(`round ${round}: ${outcome.tool}: ${outcome.error ?? `${formatCount(outcome.recordsPerSec)} rec/s, ${outcome.cpuSeconds} CPU-s (${outcome.cpuSecondsPerMillion} per million records), load ${loadAverageText()}`}`);
      }
    }
    const loadAfter = loadAverageText();
    if (argv.profile) await profileReads({ ...{ bootstrap, brokerPid: broker.pid, topic: kTopic, records }, dir: resolve(argv.profile), workDir, baseline });
    const tools = [...new Set(all.map((outcome) => outcome.tool))];
    const ok = (tool: string): ConsumeRound[] => all.filter((outcome) => outcome.tool === tool && outcome.error === undefined);
    const peer = median(ok('Kafka ConsumerPerformance (Java)').map((outcome) => outcome.recordsPerSec));
    const peerCpu = median(ok('Kafka ConsumerPerformance (Java)').map((outcome) => outcome.cpuSecondsPerMillion));
    const rows = tools.map((tool) => {
      const rates = ok(tool).map((outcome) => outcome.recordsPerSec);
      const cpu = ok(tool).map((outcome) => outcome.cpuSecondsPerMillion);
      return { tool, runs: rates.length, minRecordsPerSec: Math.min(...rates), medianRecordsPerSec: median(rates), maxRecordsPerSec: Math.max(...rates), medianCpuSecondsPerMillion: median(cpu), ratioToPeer: peer > 0 ? Math.round((median(rates) / peer) * 100) / 100 : null, cpuRatioToPeer: peerCpu > 0 ? Math.round((median(cpu) / peerCpu) * 100) / 100 : null };
    });
    console.log('');
    console.log(
      renderTable(
        ['tool', 'rounds', 'records/s min', 'median', 'max', '÷ ConsumerPerformance', 'CPU-s / M records', 'CPU ÷ peer'],
        rows.map((row) => [row.tool, String(row.runs), formatCount(row.minRecordsPerSec), formatCount(row.medianRecordsPerSec), formatCount(row.maxRecordsPerSec), row.ratioToPeer?.toFixed(2) ?? '-', row.medianCpuSecondsPerMillion.toFixed(2), row.cpuRatioToPeer?.toFixed(2) ?? '-']),
      ),
    );
    console.log(`load average (1/5/15 min) before ${loadBefore}, after ${loadAfter}; host ${hostFacts().cpus} × ${hostFacts().cpuModel}`);
    writeBenchResult('bench-consume', argv.out, { kind: 'bench-consume', records, recordSizeBytes: 100, partitions: kPartitions, rounds: all, summary: rows, loadAverage: { before: loadBefore, after: loadAfter }, host: hostFacts() });
    return all.some((outcome) => outcome.error !== undefined) ? 1 : 0;
  } finally {
    await broker.stop();
  }
}

runBench('bench-consume', main);
