import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { startLocalBroker } from '../../src/broker/local.js';
import { ClusterAdmin } from '../../src/clients/admin.js';
import { failOnUsage } from '../../src/cli/usage.js';
import { resolveConnection } from '../../src/connection/config.js';
import { parseInteger } from '../../src/options/parse.js';
import { hostFacts } from '../../src/runtime.js';
import { ratio, renderSpread, spreadRow, type SpreadRow } from '../max/like-for-like.js';
import { runStampede, type StampedeRun } from '../max/stampede-runs.js';
import type { BenchMaxSettings, ToolResult } from '../max/types.js';
import { runBench } from '../shared/entry.js';
import { writeBenchResult } from '../shared/result-file.js';
import { loadAverageText } from '../shared/rounds.js';

/** One kind of run: what `stampede run` is asked beyond the shared settings. */
interface Variant {
  name: string;
  args: string[];
}

const kVariants: Variant[] = [
  { name: 'keyed', args: [] },
  { name: 'unkeyed', args: ['--keys', 'none'] },
  { name: 'keyed trace-header', args: ['--record-trace', 'header'] },
  { name: 'unkeyed trace-header', args: ['--keys', 'none', '--record-trace', 'header'] },
];
/** The baseline build runs fewer, to keep an invocation short: its keyed ÷ unkeyed without the header. */
const kBaselineVariants = kVariants.slice(0, 2);

/**
 * `npm run bench:keyed`: keyed against unkeyed records at max rate, one producer thread, in
 * interleaved rounds (this build, and with --baseline another checkout's build, run by run), with
 * and without the record-trace header: records/s and CPU-s per million acked of each, and the
 * keyed ÷ unkeyed ratios of each build.
 */
async function main(): Promise<void> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('bench-keyed')
    .option('brokers', { type: 'string', describe: 'Bootstrap brokers; default: a local broker on --port (started if down)' })
    .option('port', { type: 'string', default: '9092', describe: 'Port of the local broker when --brokers is not given' })
    .option('baseline', { type: 'string', describe: 'Another stampede checkout (built) to run beside this one, e.g. the main branch' })
    .option('seconds', { type: 'string', default: '8', describe: 'Measured seconds per run' })
    .option('partitions', { type: 'string', default: '6', describe: 'Partitions of every benchmark topic' })
    .option('rounds', { type: 'string', default: '5', describe: 'Interleaved rounds' })
    .option('out', { type: 'string', describe: 'JSON path (default results/bench-keyed-<time>.json)' })
    .strict()
    .fail(failOnUsage('bench-keyed'))
    .parseAsync();
  const loadAtStart = loadavg();
  const seconds = parseInteger('--seconds', argv.seconds, 2, 600);
  const partitions = parseInteger('--partitions', argv.partitions, 1, 10_000);
  const rounds = parseInteger('--rounds', argv.rounds, 1, 20);
  let bootstrap = argv.brokers;
  let brokerPid: number | undefined;
  if (bootstrap === undefined) {
    const local = await startLocalBroker({ port: parseInteger('--port', argv.port, 1, 65534), log: (line) => console.log(line) });
    bootstrap = `127.0.0.1:${local.port}`;
    brokerPid = local.pid;
  }
  const connection = resolveConnection({ brokers: bootstrap });
  const admin = new ClusterAdmin(connection);
  const settings: BenchMaxSettings = { bootstrap, brokerPid, recordSizeBytes: 100, partitions, librdkafka: {}, connection: {}, connectionArgs: [], rdkafkaConnectionArgs: [], peerSeconds: seconds };
  // bench-max's fixed settings and its usual best one-thread batching on this host.
  const producerProps = { acks: '1', 'compression.type': 'none', 'enable.idempotence': 'false', 'queue.buffering.max.messages': '1000000', 'queue.buffering.max.kbytes': '1048576', 'linger.ms': '50', 'batch.num.messages': '10000', 'batch.size': '1048576' };
  const builds = [{ label: 'this build', root: undefined as string | undefined }, ...(argv.baseline ? [{ label: 'baseline', root: resolve(argv.baseline) }] : [])];
  const runId = Date.now().toString(36);
  const runs = new Map<string, ToolResult[]>();
  let count = 0;
  for (let round = 1; round <= rounds; round++) {
    for (const build of builds) {
      for (const variant of build.root === undefined ? kVariants : kBaselineVariants) {
        const name = `${build.label}: ${variant.name}`;
        const topic = `bench-keyed-${runId}-${++count}`;
        await admin.ensureTopic({ topic, partitions, timeoutMs: 15_000 });
        const run: StampedeRun = { client: 'native', workers: 1, topic, durationSec: seconds, producerProps, extraArgs: variant.args, root: build.root };
        const row = await runStampede(settings, run);
        // A full client queue (QUEUE_FULL) would make the run measure backpressure, not the enqueue path.
        const queueFullWaits = row.result?.totals.backpressureWaits ?? null;
        delete row.result;
        runs.set(name, [...(runs.get(name) ?? []), { ...row, queueFullWaits } as ToolResult]);
        console.log(`round ${round}/${rounds} ${name}: ${Math.round(row.recordsPerSec).toLocaleString('en-US')} rec/s, queue-full waits ${queueFullWaits ?? '—'}${row.error ? ` (failed: ${row.error})` : ''} (load ${loadavg()[0]!.toFixed(2)})`);
        await admin.deleteTopics([topic], 30_000).catch(() => undefined);
      }
    }
  }
  const spreads = new Map<string, SpreadRow>([...runs].map(([name, rows]) => [name, spreadRow(name, rows)]));
  console.log(`\n${renderSpread([...spreads.values()])}`);
  const ratios: Record<string, { records: number | null; cpuPerMillion: number | null }> = {};
  for (const build of builds) {
    for (const trace of ['', ' trace-header']) {
      const keyed = spreads.get(`${build.label}: keyed${trace}`);
      const unkeyed = spreads.get(`${build.label}: unkeyed${trace}`);
      if (!keyed || !unkeyed) continue;
      const key = `${build.label}${trace}`;
      ratios[key] = { records: ratio(keyed.recordsPerSec, unkeyed.recordsPerSec), cpuPerMillion: ratio(keyed.cpuSecPerMillion, unkeyed.cpuSecPerMillion) };
      console.log(`${key}: keyed ÷ unkeyed ${ratios[key]!.records?.toFixed(2) ?? '—'} in records/s (goal ≥ 0.85), ${ratios[key]!.cpuPerMillion?.toFixed(2) ?? '—'}× the CPU per M acked (goal ≤ 1.25)`);
    }
  }
  const host = hostFacts();
  console.log(`load average (1/5/15 min): ${loadAverageText(loadAtStart)} at the start, ${loadAverageText()} at the end`);
  console.log(`machine: ${host.cpus} × ${host.cpuModel}, ${Math.round(host.memoryBytes / 2 ** 30)} GiB; broker and tools share it`);
  writeBenchResult('bench-keyed', argv.out, { schemaVersion: 1, kind: 'bench-keyed', bootstrap, partitions, producerProps, host, rounds, runs: Object.fromEntries(runs), spreads: Object.fromEntries(spreads), ratios, loadAverage: { start: loadAtStart, end: loadavg() } });
  admin.close();
}

runBench('bench-keyed', main);
