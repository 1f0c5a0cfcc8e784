import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { startLocalBroker } from '../../src/broker/local.js';
import { failOnUsage } from '../../src/cli/usage.js';
import { ClusterAdmin } from '../../src/clients/admin.js';
import { resolveConnection } from '../../src/connection/config.js';
import { parseInteger } from '../../src/options/parse.js';
import { renderTable } from '../../src/fmt.js';
import { hostFacts } from '../../src/runtime.js';
import { runRdkafkaPerformance } from '../max/rdkafka-performance.js';
import type { ToolResult } from '../max/types.js';
import { runEndToEndLatency, type EndToEndLatencyResult } from './end-to-end-latency.js';
import { runStampedeAt, type RateRun } from './stampede-rate.js';
import { runBench } from '../shared/entry.js';
import { writeBenchResult } from '../shared/result-file.js';

/**
 * `npm run bench:rate`: the fixed-rate cross-checks, each against a peer on the same broker in the same
 * invocation, plus what the native pacer costs in CPU:
 *  1. 50,000 rec/s, 100 B, linger.ms=5, uniform arrivals: stampede's produce→ack p50 against
 *     rdkafka_performance -r 50000 -l (which sends one record at a time, evenly spaced);
 *  2. 1,000 rec/s, latency profile, one partition: stampede's e2e p50 against Kafka's EndToEndLatency;
 *  3. the pacer thread's CPU at 1k, 50k and 500k rec/s.
 */
async function main(): Promise<void> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('bench-rate')
    .option('brokers', { type: 'string', describe: 'Bootstrap brokers; default: the local broker on 127.0.0.1:9092 (started if down)' })
    .option('seconds', { type: 'string', default: '10', describe: 'Measured seconds per run' })
    .option('rounds', { type: 'string', default: '3', describe: 'Interleaved rounds of cross-check 1; each tool reports its median p50' })
    .option('cpu-rates', { type: 'string', default: '1000,50000,500000', describe: 'Rates at which to measure the pacer thread\'s CPU' })
    .option('parts', { type: 'string', default: '1,2,3', describe: 'Which parts to run: 1 produce→ack cross-check, 2 e2e cross-check, 3 pacer CPU' })
    .option('out', { type: 'string', describe: 'JSON path (default results/bench-rate-<time>.json)' })
    .strict()
    .fail(failOnUsage('bench-rate'))
    .parseAsync();
  const seconds = parseInteger('--seconds', argv.seconds, 2, 600);
  const rounds = parseInteger('--rounds', argv.rounds, 1, 20);
  const parts = new Set(argv.parts.split(',').map((value) => parseInteger('--parts', value, 1, 3)));
  const cpuRates = argv['cpu-rates'].split(',').map((value) => parseInteger('--cpu-rates', value, 1, 10_000_000));

  let bootstrap = argv.brokers;
  let brokerPid: number | undefined;
  if (bootstrap === undefined) {
    const local = await startLocalBroker({ port: 9092, log: (line) => console.log(line) });
    bootstrap = `127.0.0.1:${local.port}`;
    brokerPid = local.pid;
  }
  const admin = new ClusterAdmin(resolveConnection({ brokers: bootstrap }));
  const runId = Date.now().toString(36);
  const topics: string[] = [];
  const newTopic = async (name: string, partitions: number): Promise<string> => {
    const topic = `bench-rate-${runId}-${name}`;
    await admin.ensureTopic({ topic, partitions, timeoutMs: 15_000 });
    topics.push(topic);
    return topic;
  };
  const dropTopics = async (): Promise<void> => {
    await admin.deleteTopics(topics.splice(0), 30_000).catch((err: Error) => console.log(`note: could not delete benchmark topics: ${err.message}`));
  };
  const workDir = mkdtempSync(join(tmpdir(), 'bench-rate-'));
  const partitions = 6;
  const common = ['--format', 'fixed', '--record-size', '100', '--devices', '100000', '--warmup', '2s', '--duration', `${seconds}s`];

  // 1. produce→ack at 50,000 rec/s, linger.ms=5, uniform arrivals, against rdkafka_performance -l.
  const linger = ['--profile', 'latency', '--producer-props', 'linger.ms=5'];
  console.log(`bench-rate on ${bootstrap}: (1) 50,000 rec/s, linger.ms=5, ${rounds} interleaved rounds of ${seconds} s`);
  const stampedeRuns: RateRun[] = [];
  const peerRuns: ToolResult[] = [];
  for (let round = 1; parts.has(1) && round <= rounds; round++) {
    const run = await runStampedeAt(bootstrap, brokerPid, ['--topic', await newTopic(`s${round}`, partitions), '--partitions', String(partitions), '--rate', '50000', '--arrival', 'uniform', ...common, ...linger], seconds + 120);
    stampedeRuns.push(run);
    console.log(`  round ${round} stampede: ${describe(run)}`);
    // The peer gets exactly the librdkafka settings stampede ran with.
    const librdkafka = run.result?.librdkafka ?? { acks: '1', 'linger.ms': '5' };
    const peer = await runRdkafkaPerformance({ bootstrap, brokerPid, recordSizeBytes: 100, partitions, librdkafka, connection: {}, connectionArgs: [], rdkafkaConnectionArgs: [], peerSeconds: seconds }, await newTopic(`r${round}`, partitions), 50_000 * seconds, workDir, true, ['-r', '50000']);
    peerRuns.push(peer);
    console.log(`  round ${round} rdkafka_performance -r 50000 -l: ${Math.round(peer.recordsPerSec).toLocaleString('en-US')} rec/s, p50 ${peer.p50Ms} ms, p99 ${peer.p99Ms} ms${peer.error ? ` (failed: ${peer.error})` : ''}`);
    await dropTopics();
  }

  // 2. e2e at 1,000 rec/s, latency profile, one partition, against Kafka's EndToEndLatency.
  console.log(`(2) 1,000 rec/s end to end, latency profile, 1 partition`);
  const skipped: RateRun = { command: 'skipped', cpu: { toolCores: 0, brokerCores: null, machineBusyCores: 0, machineCores: 0 }, threads: new Map(), error: 'not run (--parts)' };
  const e2eRun = parts.has(2) ? await runStampedeAt(bootstrap, brokerPid, ['--topic', await newTopic('e2e', 1), '--partitions', '1', '--rate', '1000', ...common, '--profile', 'latency', '--e2e'], seconds + 120) : skipped;
  console.log(`  stampede: ${describe(e2eRun)}`);
  const endToEndLatency: EndToEndLatencyResult = parts.has(2) ? await runEndToEndLatency(bootstrap, await newTopic('e2e-kafka', 1), 5_000, 100, brokerPid) : { command: 'skipped', p50Ms: null, p99Ms: null, meanMs: null, error: 'not run (--parts)' };
  console.log(`  EndToEndLatency: p50 ${endToEndLatency.p50Ms} ms, p99 ${endToEndLatency.p99Ms} ms, mean ${endToEndLatency.meanMs} ms${endToEndLatency.error ? ` (failed: ${endToEndLatency.error})` : ''}`);
  await dropTopics();

  // 3. What pacing costs: the pacer thread's CPU at each rate.
  console.log(`(3) pacer CPU at ${cpuRates.map((rate) => rate.toLocaleString('en-US')).join(', ')} rec/s`);
  const cpuRuns: { rate: number; run: RateRun }[] = [];
  for (const rate of parts.has(3) ? cpuRates : []) {
    const run = await runStampedeAt(bootstrap, brokerPid, ['--topic', await newTopic(`cpu-${rate}`, partitions), '--partitions', String(partitions), '--rate', String(rate), ...common, '--producer-props', 'linger.ms=5'], seconds + 120);
    cpuRuns.push({ rate, run });
    console.log(`  ${rate.toLocaleString('en-US')} rec/s: ${describe(run)}; pacer ${run.threads.get('stampede-pacer') ?? '—'} cores, process ${run.cpu.toolCores} cores`);
    await dropTopics();
  }

  const stampedeP50s = stampedeRuns.map((run) => (run.result ? run.result.latency.produceAck.p50 / 1000 : null));
  const peerP50s = peerRuns.map((peer) => peer.p50Ms);
  const stampedeP50 = median(stampedeP50s);
  const peerP50 = median(peerP50s);
  const e2eP50 = e2eRun.result?.latency.endToEnd ? e2eRun.result.latency.endToEnd.p50 / 1000 : null;
  const ratio1 = stampedeP50 !== null && peerP50 ? stampedeP50 / peerP50 : null;
  const ratio2 = e2eP50 !== null && endToEndLatency.p50Ms ? e2eP50 / endToEndLatency.p50Ms : null;
  // EndToEndLatency prints percentiles truncated to whole ms (a p50 of 1 means 1.0–1.99 ms), but
  // its mean exactly: the means are the like-for-like figure.
  const e2eMean = e2eRun.result?.latency.endToEnd ? e2eRun.result.latency.endToEnd.mean / 1000 : null;
  const meanRatio = e2eMean !== null && endToEndLatency.meanMs ? e2eMean / endToEndLatency.meanMs : null;
  const p50InBucket = e2eP50 !== null && endToEndLatency.p50Ms !== null && e2eP50 >= endToEndLatency.p50Ms && e2eP50 < endToEndLatency.p50Ms + 1;

  if (stampedeRuns.length > 0 && peerRuns.length > 0) {
    console.log(`\n(1) produce→ack at 50,000 rec/s, linger.ms=5, uniform arrivals (median of ${rounds} rounds):`);
    const best = stampedeRuns.find((run) => run.result && run.result.latency.produceAck.p50 / 1000 === stampedeP50) ?? stampedeRuns[0]!;
    const peerBest = peerRuns.find((peer) => peer.p50Ms === peerP50) ?? peerRuns[0]!;
    console.log(
      renderTable(
        ['tool', 'records/s', 'p50 (ms)', 'p99 (ms)', 'tool CPU (cores)'],
        [
          ['stampede native ×1 (paced)', rate(best.result?.totals.recordsPerSec), fmt(stampedeP50), fmt(best.result ? best.result.latency.produceAck.p99 / 1000 : null), best.cpu.toolCores.toFixed(2)],
          ['rdkafka_performance -r 50000 -l', rate(peerBest.recordsPerSec), fmt(peerP50), fmt(peerBest.p99Ms), peerBest.cpu.toolCores.toFixed(2)],
        ],
      ),
    );
    console.log(`stampede p50 ÷ rdkafka_performance p50 = ${fmt(ratio1)} (goal: within 20 %, i.e. 0.80–1.20: ${ratio1 !== null && ratio1 >= 0.8 && ratio1 <= 1.2 ? 'met' : 'missed'})`);
    console.log(`every run p50 (ms): stampede ${stampedeP50s.map(fmt).join(', ')}; rdkafka_performance ${peerP50s.map(fmt).join(', ')}`);
  }

  console.log(`\n(2) end to end at 1,000 rec/s, latency profile, 1 partition:`);
  const e2e = e2eRun.result?.latency.endToEnd;
  console.log(
    renderTable(
      ['tool', 'p50 (ms)', 'p99 (ms)', 'mean (ms)', 'below zero'],
      [
        ['stampede --e2e (paced, open loop)', fmt(e2eP50), fmt(e2e ? e2e.p99 / 1000 : null), fmt(e2e ? e2e.mean / 1000 : null), e2e ? String(e2e.negative.count) : '—'],
        ['Kafka EndToEndLatency (closed loop)', fmt(endToEndLatency.p50Ms), fmt(endToEndLatency.p99Ms), fmt(endToEndLatency.meanMs), '—'],
      ],
    ),
  );
  console.log(`stampede e2e p50 ÷ EndToEndLatency p50 = ${fmt(ratio2)}; EndToEndLatency truncates its percentiles to whole ms, so its p50 of ${endToEndLatency.p50Ms ?? '—'} means [${endToEndLatency.p50Ms ?? '—'}, ${endToEndLatency.p50Ms === null ? '—' : endToEndLatency.p50Ms + 1}) ms: stampede's ${fmt(e2eP50)} ms is ${p50InBucket ? 'inside' : 'outside'} it`);
  console.log(`means (exact in both tools): stampede ÷ EndToEndLatency = ${fmt(meanRatio)} (goal: within a factor of 2, i.e. 0.5–2.0: ${meanRatio !== null && meanRatio >= 0.5 && meanRatio <= 2 ? 'met' : 'missed'})`);

  console.log(`\n(3) what pacing costs (native ×1, 100 B, linger.ms=5, throughput profile):`);
  console.log(
    renderTable(
      ['rate asked', 'acked records/s', 'verdict', 'publish delay p50 / p99 (ms)', 'pacer thread (cores)', 'stampede process (cores)', 'machine busy'],
      cpuRuns.map(({ rate: asked, run }) => [
        asked.toLocaleString('en-US'),
        rate(run.result?.totals.recordsPerSec),
        run.result ? (run.result.validity.valid ? 'valid' : `not valid: ${run.result.validity.reason}`) : `failed: ${run.error}`,
        run.result?.latency.publishDelay ? `${fmt(run.result.latency.publishDelay.p50 / 1000)} / ${fmt(run.result.latency.publishDelay.p99 / 1000)}` : '—',
        (run.threads.get('stampede-pacer') ?? 0).toFixed(2),
        run.cpu.toolCores.toFixed(2),
        `${run.cpu.machineBusyCores.toFixed(2)} of ${run.cpu.machineCores.toFixed(0)}`,
      ]),
    ),
  );
  const host = hostFacts();
  console.log(`\nmachine: ${host.hostname}, ${host.cpus} × ${host.cpuModel}; broker and tools share it`);

  const strip = (run: RateRun): unknown => ({ command: run.command, cpu: run.cpu, threads: Object.fromEntries(run.threads), error: run.error, totals: run.result?.totals, latency: run.result && { produceAck: { ...run.result.latency.produceAck, hdr: undefined }, publishDelay: run.result.latency.publishDelay && { ...run.result.latency.publishDelay, hdr: undefined }, endToEnd: run.result.latency.endToEnd && { ...run.result.latency.endToEnd, hdr: undefined } }, validity: run.result?.validity });
  writeBenchResult('bench-rate', argv.out, { schemaVersion: 1, kind: 'bench-rate', bootstrap, host, seconds, crossCheck1: { stampede: stampedeRuns.map(strip), rdkafkaPerformance: peerRuns, stampedeP50Ms: stampedeP50, peerP50Ms: peerP50, ratio: ratio1 }, crossCheck2: { stampede: strip(e2eRun), endToEndLatency, p50Ratio: ratio2, meanRatio, p50InBucket }, pacerCpu: cpuRuns.map(({ rate: asked, run }) => ({ rate: asked, ...(strip(run) as object) })) });
}

function describe(run: RateRun): string {
  if (!run.result) return `failed: ${run.error}`;
  const { totals, latency, validity } = run.result;
  const e2e = latency.endToEnd ? `, e2e p50 ${fmt(latency.endToEnd.p50 / 1000)} ms` : '';
  return `${rate(totals.recordsPerSec)} rec/s, p50 ${fmt(latency.produceAck.p50 / 1000)} ms, p99 ${fmt(latency.produceAck.p99 / 1000)} ms${e2e}, ${validity.valid ? 'valid' : `not valid: ${validity.reason}`}`;
}

function median(values: (number | null)[]): number | null {
  const present = values.filter((value): value is number => value !== null).sort((a, b) => a - b);
  return present.length === 0 ? null : present[Math.floor((present.length - 1) / 2)]!;
}

const fmt = (value: number | null | undefined): string => (value === null || value === undefined ? '—' : value < 10 ? value.toFixed(2) : value.toFixed(1));
const rate = (value: number | undefined): string => (value === undefined ? '—' : Math.round(value).toLocaleString('en-US'));

runBench('bench-rate', main);
