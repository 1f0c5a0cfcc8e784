import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { startLocalBroker } from '../../src/broker/local.js';
import { failOnUsage } from '../../src/cli/usage.js';
import { ClusterAdmin } from '../../src/clients/admin.js';
import { resolveConnection } from '../../src/connection/config.js';
import { redactDeep, redactSettings, redactText } from '../../src/connection/redact.js';
import { parseProps } from '../../src/options/parse.js';
import { parseInteger } from '../../src/options/parse.js';
import { hostFacts, runtimeName, runtimeVersion } from '../../src/runtime.js';
import { peerConnection } from './peer-connection.js';
import { runProducerPerformance } from './producer-performance.js';
import { runRdkafkaPerformance } from './rdkafka-performance.js';
import { renderComparison, renderSweep } from './report.js';
import { runStampede, type StampedeRun } from './stampede-runs.js';
import { Progress } from '../../src/report/progress.js';
import type { BenchMaxSettings, ToolResult } from './types.js';
import { bestSingleThread, likeForLikeRatios, renderRatios, renderSpread, renderWholeProcess, spreadRow, wholeProcessOf } from './like-for-like.js';
import { benchSlo, searchUnderSlo } from './slo-search.js';
import { runBench } from '../shared/entry.js';
import { writeBenchResult } from '../shared/result-file.js';
import { loadAverageText } from '../shared/rounds.js';

/**
 * `make bench-max`: find stampede's highest sustained acked rate (100-byte records, acks=1, no
 * compression) over worker count and librdkafka batching, then run the peers on the same broker
 * with the same settings in the same invocation, and print one table of ratios.
 */
async function main(): Promise<void> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('bench-max')
    .option('brokers', { type: 'string', describe: 'Bootstrap brokers; default: the local broker on 127.0.0.1:9092 (started if down)' })
    .option('command-config', { type: 'string', describe: 'Connection settings file (Java .properties: security.protocol, sasl.*, ssl.*) for every stampede run and rdkafka_performance' })
    .option('command-property', { type: 'string', array: true, describe: 'One connection setting k=v over --command-config (repeatable)' })
    .option('client', { type: 'string', default: 'native', describe: 'stampede client to sweep' })
    .option('workers', { type: 'string', default: '1,2', describe: 'Worker counts to sweep' })
    .option('seconds', { type: 'string', default: '8', describe: 'Measured seconds per sweep point' })
    .option('peer-seconds', { type: 'string', default: '10', describe: 'Seconds each peer runs for (record counts are sized from the best rate)' })
    .option('partitions', { type: 'string', default: '6', describe: 'Partitions of every benchmark topic' })
    .option('rounds', { type: 'string', default: '5', describe: 'Interleaved rounds of the peers; each tool reports min / median / max over them' })
    .option('whole-records', { type: 'string', default: '6000000', describe: 'Records of the whole-process rounds: stampede --keys none and rdkafka_performance each asked for this many, CPU as /usr/bin/time counts it (0: none)' })
    .option('quick', { type: 'boolean', default: false, describe: 'One sweep point per worker count (CI-sized)' })
    .option('out', { type: 'string', describe: 'JSON path (default results/bench-max-<time>.json)' })
    .option('slo', { type: 'string', array: true, describe: 'After the sweep, also find the max sustainable rate under this SLO (stampede max --slo; repeatable)' })
    .strict()
    .fail(failOnUsage('bench-max'))
    .parseAsync();

  const loadAtStart = loadavg();
  const seconds = parseInteger('--seconds', argv.seconds, 2, 3600);
  const peerSeconds = parseInteger('--peer-seconds', argv['peer-seconds'], 2, 3600);
  const partitions = parseInteger('--partitions', argv.partitions, 1, 10_000);
  const rounds = parseInteger('--rounds', argv.rounds, 1, 20);
  const wholeRecords = parseInteger('--whole-records', argv['whole-records'], 0, 1_000_000_000);
  const workerCounts = argv.workers.split(',').map((value) => parseInteger('--workers', value, 1, 256));
  const slo = benchSlo(argv.slo);

  let bootstrap = argv.brokers;
  let brokerPid: number | undefined;
  if (bootstrap === undefined) {
    const local = await startLocalBroker({ port: 9092, log: (line) => console.log(line) });
    bootstrap = `127.0.0.1:${local.port}`;
    brokerPid = local.pid;
  }
  const connection = resolveConnection({ brokers: bootstrap, commandConfig: argv['command-config'], commandProperties: parseProps('--command-property', argv['command-property'] ?? []) });
  for (const line of connection.notices) console.log(`note: ${line}`);
  // Private files for the child processes, written before anything starts (a setting they cannot take is bad input).
  const childConnection = peerConnection({ commandConfig: argv['command-config'], commandProperties: argv['command-property'] ?? [] }, connection.settings);
  const admin = new ClusterAdmin(connection);
  const runId = Date.now().toString(36);
  const topics: string[] = [];
  const newTopic = async (name: string): Promise<string> => {
    const topic = `bench-max-${runId}-${name}`;
    await admin.ensureTopic({ topic, partitions, timeoutMs: 15_000 });
    topics.push(topic);
    return topic;
  };
  // Each run writes GBs; drop its topic once measured so a sweep does not fill the disk.
  const dropTopics = async (): Promise<void> => {
    await admin.deleteTopics(topics.splice(0), 30_000).catch((err: Error) => console.log(`note: could not delete benchmark topics: ${err.message}`));
  };

  const { 'bootstrap.servers': _bootstrap, ...connectionSettings } = connection.settings;
  const settings: BenchMaxSettings = { bootstrap, brokerPid, recordSizeBytes: 100, partitions, librdkafka: {}, connection: connectionSettings, connectionArgs: childConnection.stampedeArgs, rdkafkaConnectionArgs: childConnection.rdkafkaArgs, peerSeconds };
  const fixed = { acks: '1', 'compression.type': 'none', 'enable.idempotence': 'false', 'queue.buffering.max.messages': '1000000', 'queue.buffering.max.kbytes': '1048576' };
  const batching = argv.quick
    ? [{ 'linger.ms': '50', 'batch.num.messages': '100000', 'batch.size': '1048576' }]
    : [
        { 'linger.ms': '5', 'batch.num.messages': '10000', 'batch.size': '1048576' },
        { 'linger.ms': '50', 'batch.num.messages': '10000', 'batch.size': '1048576' },
        { 'linger.ms': '50', 'batch.num.messages': '100000', 'batch.size': '4194304' },
        { 'linger.ms': '200', 'batch.num.messages': '100000', 'batch.size': '4194304' },
      ];

  console.log(`bench-max: ${argv.client} over workers ${workerCounts.join(',')} × ${batching.length} batching settings, ${seconds} s each, on ${bootstrap}`);
  const sweep: (ToolResult & { label: string; run: StampedeRun })[] = [];
  const sweepProgress = new Progress({ total: workerCounts.length * batching.length, unit: 'sweep points', label: 'sweep' });
  for (const workers of workerCounts) {
    for (const batch of batching) {
      const run: StampedeRun = { client: argv.client, workers, topic: await newTopic(`sweep-${sweep.length}`), durationSec: seconds, producerProps: { ...fixed, ...batch } };
      const label = `workers=${workers} linger.ms=${batch['linger.ms']} batch.num.messages=${batch['batch.num.messages']} batch.size=${batch['batch.size']}`;
      const row = { ...(await runStampede(settings, run)), label, run };
      delete row.result;
      sweep.push(row);
      sweepProgress.step(sweep.length, `${label}: ${Math.round(row.recordsPerSec).toLocaleString('en-US')} rec/s${row.error ? ` (failed: ${row.error})` : ''}`);
      await dropTopics();
    }
  }
  const best = sweep.filter((row) => !row.error).sort((a, b) => b.recordsPerSec - a.recordsPerSec)[0];
  if (!best) throw new Error('every sweep point failed; see the rows above');
  // Like for like: the peers produce from one thread, so stampede's rounds run one
  // producer thread too, at the batching that was best for one thread; the sweep shows more threads.
  const single = bestSingleThread(sweep) ?? best;
  const likeRun: StampedeRun = { ...single.run, workers: 1 };
  settings.librdkafka = { ...single.run.producerProps };
  console.log(`best: ${best.label} at ${Math.round(best.recordsPerSec).toLocaleString('en-US')} rec/s; running stampede ×1 keyed and unkeyed and the peers with ${single === best ? 'its' : `the best one-thread point's (${single.label})`} librdkafka settings…`);

  // Each peer's record count comes from its own last rate (the sweep's at first), so every tool
  // runs about --peer-seconds: a peer twice as fast as the sweep point would otherwise stop after
  // half the time, its start-up a bigger share of its CPU.
  const lastRate = new Map<string, number>();
  const recordsFor = (name: string): number => Math.max(100_000, Math.round((lastRate.get(name) ?? best.recordsPerSec) * peerSeconds));
  const workDir = mkdtempSync(join(tmpdir(), 'bench-max-'));
  // The peers, stampede's best point and its --latency off twin run in interleaved rounds: on a
  // shared machine one run can be off by 2×, so each tool's row is its median run.
  const failed = (name: string, err: Error): ToolResult => ({ tool: name, recordsPerSec: 0, mbPerSec: 0, p50Ms: null, p99Ms: null, records: 0, wallMs: 0, cpu: { toolCores: 0, brokerCores: null, machineBusyCores: 0, machineCores: 0 }, command: name, error: err.message });
  const withoutResult = async (run: Promise<ToolResult & { result?: unknown }>): Promise<ToolResult> => {
    const row = await run;
    delete row.result;
    return row;
  };
  const contenders: [string, () => Promise<ToolResult>][] = [
    ['stampede', async () => withoutResult(runStampede(settings, { ...likeRun, topic: await newTopic('stampede'), durationSec: peerSeconds }))],
    [
      'stampede --keys none',
      async () => {
        const row = await withoutResult(runStampede(settings, { ...likeRun, topic: await newTopic('unkeyed'), durationSec: peerSeconds, extraArgs: ['--keys', 'none'] }));
        row.tool = `${row.tool} --keys none`;
        return row;
      },
    ],
    ['rdkafka_performance', async () => runRdkafkaPerformance(settings, await newTopic('rdkafka-performance'), recordsFor('rdkafka_performance'), workDir, false)],
    ['rdkafka_performance -l', async () => runRdkafkaPerformance(settings, await newTopic('rdkafka-performance-l'), recordsFor('rdkafka_performance -l'), workDir, true)],
    ['ProducerPerformance', async () => runProducerPerformance(settings, await newTopic('producer-performance'), recordsFor('ProducerPerformance'))],
    [
      'latency off',
      async () => {
        const row = await withoutResult(runStampede(settings, { ...likeRun, topic: await newTopic('no-latency'), durationSec: peerSeconds, extraArgs: ['--latency', 'off'] }));
        row.tool = `${row.tool} --latency off`;
        return row;
      },
    ],
    // The whole process, start-up to exit, over the same record count: what a user's shell measures.
    ...(wholeRecords > 0
      ? ([
          [
            'whole: stampede --keys none',
            async () => {
              const row = await withoutResult(runStampede(settings, { ...likeRun, topic: await newTopic('whole-unkeyed'), durationSec: peerSeconds, records: wholeRecords, extraArgs: ['--keys', 'none'] }));
              row.tool = `${row.tool} --keys none --records ${wholeRecords}`;
              return row;
            },
          ],
          [
            'whole: rdkafka_performance',
            async () => {
              const row = await runRdkafkaPerformance(settings, await newTopic('whole-rdkafka-performance'), wholeRecords, workDir, false);
              row.tool = `${row.tool} -c ${wholeRecords}`;
              return row;
            },
          ],
        ] as [string, () => Promise<ToolResult>][])
      : []),
    // Far behind and slow to drain: once is enough.
    ['node-rdkafka', async () => withoutResult(runStampede(settings, { client: 'node-rdkafka', workers: 1, topic: await newTopic('node-rdkafka'), durationSec: peerSeconds, producerProps: settings.librdkafka }))],
  ];
  const runsByTool = new Map<string, ToolResult[]>();
  const roundsProgress = new Progress({ total: rounds * (contenders.length - 1) + 1, unit: 'peer runs', label: 'peers' });
  let peerRuns = 0;
  for (let round = 1; round <= rounds; round++) {
    for (const [name, run] of contenders) {
      if (name === 'node-rdkafka' && round > 1) continue;
      const row = await run().catch((err: Error) => failed(name, err));
      runsByTool.set(name, [...(runsByTool.get(name) ?? []), row]);
      if (!row.error && row.recordsPerSec > 0) lastRate.set(name, row.recordsPerSec);
      roundsProgress.step(++peerRuns, `round ${round}/${rounds} ${row.tool}: ${Math.round(row.recordsPerSec).toLocaleString('en-US')} rec/s${row.error ? ` (failed: ${row.error})` : ''}`);
      await dropTopics();
    }
  }
  const median = (runs: ToolResult[]): ToolResult => [...runs].sort((a, b) => a.recordsPerSec - b.recordsPerSec)[Math.floor((runs.length - 1) / 2)]!;
  const medians = new Map([...runsByTool].map(([name, runs]) => [name, median(runs)]));
  const confirm = medians.get('stampede')!;
  const untracked = medians.get('latency off')!;
  const peers = ['stampede', 'stampede --keys none', 'rdkafka_performance', 'rdkafka_performance -l', 'ProducerPerformance', 'node-rdkafka'].map((name) => medians.get(name)!);
  // Positive: tracking on was slower by that share of the untracked rate.
  const latencyCostPct = untracked.recordsPerSec > 0 ? Math.round((1000 * (untracked.recordsPerSec - confirm.recordsPerSec)) / untracked.recordsPerSec) / 10 : null;
  const everyRun = (name: string): string => (runsByTool.get(name) ?? []).map((row) => Math.round(row.recordsPerSec / 1000).toLocaleString('en-US') + 'k').join(', ');

  console.log(`\nSweep (${argv.client}, 100-byte records, acks=1, no compression):\n${renderSweep(sweep)}`);
  console.log(`\nPeers on ${bootstrap}, same settings (${Object.entries(redactSettings(settings.librdkafka)).map(([k, v]) => `${k}=${v}`).join(' ')}), median of ${rounds} interleaved rounds:\n${renderComparison(confirm, peers)}`);
  console.log(`every run (records/s): ${[...runsByTool.keys()].map((name) => `${name}: ${everyRun(name)}`).join('; ')}`);
  const costText = latencyCostPct === null ? '—' : latencyCostPct >= 0 ? `${latencyCostPct} % slower with tracking on` : `${-latencyCostPct} % faster with tracking on (noise: tracking cannot speed anything up)`;
  console.log(`\nlatency tracking on vs off: ${costText} (${Math.round(confirm.recordsPerSec).toLocaleString('en-US')} vs ${Math.round(untracked.recordsPerSec).toLocaleString('en-US')} rec/s)`);
  // Every tool's spread over the rounds (one run can mislead on a shared host), CPU per million acked records of its own process.
  const spreads = new Map([...runsByTool].map(([name, runs]) => [name, spreadRow(runs[0]?.tool ?? name, runs)]));
  const likeForLike = likeForLikeRatios({ unkeyed: spreads.get('stampede --keys none')!, keyed: spreads.get('stampede')!, rdkafka: spreads.get('rdkafka_performance')!, producerPerformance: spreads.get('ProducerPerformance')! });
  console.log(`\nLike for like over ${rounds} interleaved rounds (min / median / max; CPU of each tool's own process over its life ÷ records it acked; the broker's over the same runs):\n${renderSpread([...spreads.values()])}`);
  console.log(`\n${renderRatios(likeForLike)}`);
  const wholeProcess = wholeRecords > 0 ? { stampede: wholeProcessOf(runsByTool.get('whole: stampede --keys none') ?? [], wholeRecords), rdkafka: wholeProcessOf(runsByTool.get('whole: rdkafka_performance') ?? [], wholeRecords) } : null;
  if (wholeProcess) console.log(`\n${renderWholeProcess(wholeProcess.stampede, wholeProcess.rdkafka)}`);
  console.log(`load average (1/5/15 min): ${loadAverageText(loadAtStart)} at the start, ${loadAverageText()} at the end`);
  const host = hostFacts();
  console.log(`\nmachine: ${host.hostname}, ${host.cpus} × ${host.cpuModel}, ${Math.round(host.memoryBytes / 2 ** 30)} GiB; broker and tools share it`);

  writeBenchResult('bench-max', argv.out, redactDeep({ schemaVersion: 1, kind: 'bench-max', bootstrap, recordSizeBytes: 100, partitions, librdkafka: settings.librdkafka, connection: settings.connection, host, runtime: { name: runtimeName(), version: runtimeVersion() }, sweep: sweep.map(({ run: _run, ...row }) => row), peers, rounds, runs: Object.fromEntries(runsByTool), latencyTracking: { on: confirm, off: untracked, costPct: latencyCostPct }, spreads: Object.fromEntries(spreads), likeForLike, wholeProcess, loadAverage: { start: loadAtStart, end: loadavg() } }));
  if (slo) await searchUnderSlo(settings, best.run, slo, await newTopic('max'), seconds).finally(dropTopics);
  admin.close();
}

runBench('bench-max', main, redactText);
