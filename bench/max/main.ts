import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { startLocalBroker } from '../../src/broker/local.js';
import { isUserFacing } from '../../src/errors.js';
import { deleteTopics, ensureTopic, parseBrokers } from '../../src/kafka/admin.js';
import { parseInteger } from '../../src/options/parse.js';
import { hostFacts, runtimeName, runtimeVersion } from '../../src/runtime.js';
import { runProducerPerformance } from './producer-performance.js';
import { runRdkafkaPerformance } from './rdkafka-performance.js';
import { renderComparison, renderSweep } from './report.js';
import { runStampede, type StampedeRun } from './stampede-runs.js';
import type { BenchMaxSettings, ToolResult } from './types.js';

/**
 * `make bench-max`: find stampede's highest sustained acked rate (100-byte records, acks=1, no
 * compression) over worker count and librdkafka batching, then run the peers on the same broker
 * with the same settings in the same invocation, and print one table of ratios.
 */
async function main(): Promise<void> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('bench-max')
    .option('brokers', { type: 'string', describe: 'Bootstrap brokers; default: the local broker on 127.0.0.1:9092 (started if down)' })
    .option('client', { type: 'string', default: 'native', describe: 'stampede client to sweep' })
    .option('workers', { type: 'string', default: '1,2', describe: 'Worker counts to sweep' })
    .option('seconds', { type: 'string', default: '8', describe: 'Measured seconds per sweep point' })
    .option('peer-seconds', { type: 'string', default: '15', describe: 'Seconds each peer runs for (record counts are sized from the best rate)' })
    .option('partitions', { type: 'string', default: '6', describe: 'Partitions of every benchmark topic' })
    .option('quick', { type: 'boolean', default: false, describe: 'One sweep point per worker count (CI-sized)' })
    .option('out', { type: 'string', describe: 'JSON path (default results/bench-max-<time>.json)' })
    .strict()
    .parseAsync();

  const seconds = parseInteger('--seconds', argv.seconds, 2, 3600);
  const peerSeconds = parseInteger('--peer-seconds', argv['peer-seconds'], 2, 3600);
  const partitions = parseInteger('--partitions', argv.partitions, 1, 10_000);
  const workerCounts = argv.workers.split(',').map((value) => parseInteger('--workers', value, 1, 256));

  let bootstrap = argv.brokers;
  let brokerPid: number | undefined;
  if (bootstrap === undefined) {
    const local = await startLocalBroker({ port: 9092, log: (line) => console.log(line) });
    bootstrap = `127.0.0.1:${local.port}`;
    brokerPid = local.pid;
  }
  const brokers = parseBrokers(bootstrap);
  const runId = Date.now().toString(36);
  const topics: string[] = [];
  const newTopic = async (name: string): Promise<string> => {
    const topic = `bench-max-${runId}-${name}`;
    await ensureTopic(brokers, { topic, partitions, timeoutMs: 15_000 });
    topics.push(topic);
    return topic;
  };
  // Each run writes GBs; drop its topic once measured so a sweep does not fill the disk.
  const dropTopics = async (): Promise<void> => {
    await deleteTopics(brokers, { topics: topics.splice(0), timeoutMs: 30_000 }).catch((err: Error) => console.log(`note: could not delete benchmark topics: ${err.message}`));
  };

  const settings: BenchMaxSettings = { bootstrap, brokerPid, recordSizeBytes: 100, partitions, librdkafka: {}, peerSeconds };
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
  for (const workers of workerCounts) {
    for (const batch of batching) {
      const run: StampedeRun = { client: argv.client, workers, topic: await newTopic(`sweep-${sweep.length}`), durationSec: seconds, producerProps: { ...fixed, ...batch } };
      const label = `workers=${workers} linger.ms=${batch['linger.ms']} batch.num.messages=${batch['batch.num.messages']} batch.size=${batch['batch.size']}`;
      const row = { ...(await runStampede(settings, run)), label, run };
      delete row.result;
      sweep.push(row);
      console.log(`  ${label}: ${Math.round(row.recordsPerSec).toLocaleString('en-US')} rec/s${row.error ? ` (failed: ${row.error})` : ''}`);
      await dropTopics();
    }
  }
  const best = sweep.filter((row) => !row.error).sort((a, b) => b.recordsPerSec - a.recordsPerSec)[0];
  if (!best) throw new Error('every sweep point failed; see the rows above');
  settings.librdkafka = { ...best.run.producerProps };
  console.log(`best: ${best.label} at ${Math.round(best.recordsPerSec).toLocaleString('en-US')} rec/s; running the peers with the same librdkafka settings…`);

  const peerRecords = Math.max(100_000, Math.round(best.recordsPerSec * peerSeconds));
  const workDir = mkdtempSync(join(tmpdir(), 'bench-max-'));
  const peers: ToolResult[] = [];
  const confirm = await runStampede(settings, { ...best.run, topic: await newTopic('stampede'), durationSec: peerSeconds });
  delete confirm.result;
  await dropTopics();
  peers.push(confirm);
  console.log(`  ${confirm.tool}: ${Math.round(confirm.recordsPerSec).toLocaleString('en-US')} rec/s`);
  for (const [name, run] of [
    ['rdkafka_performance', async () => runRdkafkaPerformance(settings, await newTopic('rdkafka-performance'), peerRecords, workDir, false)],
    ['rdkafka_performance -l', async () => runRdkafkaPerformance(settings, await newTopic('rdkafka-performance-l'), peerRecords, workDir, true)],
    ['ProducerPerformance', async () => runProducerPerformance(settings, await newTopic('producer-performance'), peerRecords)],
    [
      'node-rdkafka',
      async () => {
        const row = await runStampede(settings, { client: 'node-rdkafka', workers: 1, topic: await newTopic('node-rdkafka'), durationSec: peerSeconds, producerProps: settings.librdkafka });
        delete row.result;
        return row;
      },
    ],
  ] as const) {
    const row = await run().catch((err: Error): ToolResult => ({ tool: name, recordsPerSec: 0, mbPerSec: 0, p50Ms: null, p99Ms: null, records: 0, wallMs: 0, cpu: { toolCores: 0, brokerCores: null, machineBusyCores: 0, machineCores: 0 }, command: name, error: err.message }));
    peers.push(row);
    console.log(`  ${row.tool}: ${Math.round(row.recordsPerSec).toLocaleString('en-US')} rec/s${row.error ? ` (failed: ${row.error})` : ''}`);
    await dropTopics();
  }

  // What recording produce→ack latency costs: the same run with the histogram left alone.
  const untracked = await runStampede(settings, { ...best.run, topic: await newTopic('no-latency'), durationSec: peerSeconds, extraArgs: ['--latency', 'off'] });
  delete untracked.result;
  untracked.tool = `${confirm.tool} --latency off`;
  await dropTopics();
  // Positive: tracking on was slower by that share of the untracked rate.
  const latencyCostPct = untracked.recordsPerSec > 0 ? Math.round((1000 * (untracked.recordsPerSec - confirm.recordsPerSec)) / untracked.recordsPerSec) / 10 : null;
  console.log(`  ${untracked.tool}: ${Math.round(untracked.recordsPerSec).toLocaleString('en-US')} rec/s`);

  console.log(`\nSweep (${argv.client}, 100-byte records, acks=1, no compression):\n${renderSweep(sweep)}`);
  console.log(`\nPeers on ${bootstrap}, same settings (${Object.entries(settings.librdkafka).map(([k, v]) => `${k}=${v}`).join(' ')}):\n${renderComparison(confirm, peers)}`);
  const costText = latencyCostPct === null ? '—' : latencyCostPct >= 0 ? `${latencyCostPct} % slower with tracking on` : `${-latencyCostPct} % faster with tracking on (noise: tracking cannot speed anything up)`;
  console.log(`\nlatency tracking on vs off: ${costText} (${Math.round(confirm.recordsPerSec).toLocaleString('en-US')} vs ${Math.round(untracked.recordsPerSec).toLocaleString('en-US')} rec/s)`);
  const host = hostFacts();
  console.log(`\nmachine: ${host.hostname}, ${host.cpus} × ${host.cpuModel}, ${Math.round(host.memoryBytes / 2 ** 30)} GiB; broker and tools share it`);

  const out = argv.out ?? join('results', `bench-max-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ schemaVersion: 1, kind: 'bench-max', bootstrap, recordSizeBytes: 100, partitions, librdkafka: settings.librdkafka, host, runtime: { name: runtimeName(), version: runtimeVersion() }, sweep: sweep.map(({ run: _run, ...row }) => row), peers, latencyTracking: { on: confirm, off: untracked, costPct: latencyCostPct } }, null, 2)}\n`,
  );
  console.log(`result: ${out}`);
}

main().catch((err: unknown) => {
  console.error(`bench-max: ${isUserFacing(err) || err instanceof Error ? (err as Error).message : String(err)}`);
  process.exitCode = isUserFacing(err) ? err.exitCode : 1;
});
