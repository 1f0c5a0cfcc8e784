import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { startLocalBroker, stopLocalBroker } from '../../src/broker/local.js';
import { freePort, portIsFree } from '../../src/broker/free-port.js';
import { failOnUsage } from '../../src/cli/usage.js';
import type { RunResult } from '../../src/contracts/result.js';
import { renderTable } from '../../src/fmt.js';
import { startProxyNetwork } from '../../src/netproxy/index.js';
import { parseDurationMs, parseInteger } from '../../src/options/parse.js';
import { projectRoot } from '../../src/paths.js';
import { hostFacts } from '../../src/runtime.js';
import { processCpuSeconds } from '../max/cpu.js';
import { runTool } from '../max/spawn.js';
import { runBench } from '../shared/entry.js';
import { writeBenchResult } from '../shared/result-file.js';
import { loadAverageText, rotated } from '../shared/rounds.js';

type Path = 'direct' | 'proxy';
type Load = 'max' | 'fixed';
const kBrokerHost = '127.0.0.13';

interface Sample {
  path: Path;
  load: Load;
  round: number;
  recordsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** the proxy process's CPU over the run, in cores (0 on the direct path) */
  proxyCores: number;
}

/**
 * `npm run bench:netproxy` (not in `make test`): what the network-fault proxy costs when no fault
 * is on. One broker with two listeners, one reached through the proxy, one directly; a max-rate
 * run and a fixed-rate run on each path, in interleaved rounds, same broker, same minute.
 */
async function main(): Promise<number> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('bench-netproxy')
    .option('rounds', { type: 'string', default: '3', describe: 'Interleaved rounds (each runs every path and load once)' })
    .option('duration', { type: 'string', default: '8s', describe: 'Measured time per run (after 2 s warmup)' })
    .option('fixed-rate', { type: 'string', default: '5000', describe: 'Records/s of the fixed-rate runs (--profile latency: their produce→ack p50 is the round trip, so the difference is what the proxy adds)' })
    .option('out', { type: 'string', describe: 'JSON path (default results/bench-netproxy-<time>.json)' })
    .strict()
    .fail(failOnUsage('bench-netproxy'))
    .parseAsync();
  const rounds = parseInteger('--rounds', argv.rounds, 1, 20);
  const durationMs = parseDurationMs('--duration', argv.duration, 1000);
  const fixedRate = parseInteger('--fixed-rate', argv['fixed-rate'], 1, 10_000_000);

  const node = { nodeId: 1, host: kBrokerHost, brokerPort: await portFreeOnBoth(), controllerPort: await portFreeOnBoth() };
  const directPort = await freePort();
  const network = await startProxyNetwork([node]);
  const dataDir = mkdtempSync(join(tmpdir(), 'stampede-netproxy-broker-'));
  console.log(`bench-netproxy: a broker on ${kBrokerHost}:${node.brokerPort} behind the proxy at 127.0.0.1:${node.brokerPort}, and directly at 127.0.0.1:${directPort}…`);
  const loadBefore = loadavg();
  const samples: Sample[] = [];
  try {
    const broker = await startLocalBroker({
      port: node.brokerPort,
      controllerPort: node.controllerPort,
      bindHost: kBrokerHost,
      dataDir,
      heapMb: 1024,
      startTimeoutMs: 120_000,
      extras: { listeners: [{ name: 'DIRECT', port: directPort, protocol: 'PLAINTEXT' }] },
    });
    const bootstrap: Record<Path, string> = { direct: `127.0.0.1:${directPort}`, proxy: `127.0.0.1:${node.brokerPort}` };
    const workDir = mkdtempSync(join(tmpdir(), 'stampede-netproxy-'));
    const plan: [Path, Load][] = [['direct', 'max'], ['proxy', 'max'], ['direct', 'fixed'], ['proxy', 'fixed']];
    for (let round = 0; round < rounds; round++) {
      for (const [path, load] of rotated(plan, round)) {
        samples.push(await runOnce({ path, load, round, bootstrap: bootstrap[path], workDir, brokerPid: broker.pid, proxyPid: network.pid, durationMs, fixedRate }));
      }
    }
  } finally {
    await stopLocalBroker({ port: node.brokerPort, dataDir, removeData: true });
    await network.stop();
  }
  report(samples, { rounds, durationMs, fixedRate, loadBefore, outPath: argv.out });
  return 0;
}

async function portFreeOnBoth(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (await portIsFree(port, kBrokerHost)) return port;
  }
}

interface RunSpec {
  path: Path;
  load: Load;
  round: number;
  bootstrap: string;
  workDir: string;
  brokerPid: number;
  proxyPid: number;
  durationMs: number;
  fixedRate: number;
}

async function runOnce(spec: RunSpec): Promise<Sample> {
  const out = join(spec.workDir, `${spec.path}-${spec.load}-${spec.round}.json`);
  // At a fixed rate the latency profile (linger.ms=0, acks=1): the p50 is then the round trip, not batching.
  const load = spec.load === 'max' ? ['--rate', 'max'] : ['--rate', String(spec.fixedRate), '--profile', 'latency'];
  const args = [join(projectRoot, 'bin', 'stampede.js'), 'run', '--brokers', spec.bootstrap, '--topic', `netproxy-${spec.path}-${spec.load}-${spec.round}`, '--format', 'fixed', '--record-size', '100', '--devices', '100000', '--partitions', '6', ...load, '--warmup', '2s', '--duration', `${spec.durationMs / 1000}s`, '--out', out];
  const proxyCpuBefore = processCpuSeconds(spec.proxyPid) ?? 0;
  const startedMs = performance.now();
  const run = await runTool(process.execPath, args, { brokerPid: spec.brokerPid, timeoutMs: spec.durationMs + 120_000 });
  const elapsedSec = (performance.now() - startedMs) / 1000;
  // Exit 3 (not valid at its rate) still measured what it measured; anything else is a failure.
  if (run.code !== 0 && run.code !== 3) throw new Error(`${spec.path} ${spec.load} run failed (exit ${run.code}): ${run.stderr.trim().split('\n').slice(-2).join(' | ')}`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  const proxyCores = spec.path === 'proxy' ? ((processCpuSeconds(spec.proxyPid) ?? 0) - proxyCpuBefore) / elapsedSec : 0;
  const sample: Sample = {
    path: spec.path,
    load: spec.load,
    round: spec.round,
    recordsPerSec: result.totals.recordsPerSec,
    p50Ms: result.latency.produceAck.p50 / 1000,
    p99Ms: result.latency.produceAck.p99 / 1000,
    proxyCores,
  };
  console.log(`bench-netproxy: round ${spec.round + 1} ${spec.path} ${spec.load}: ${Math.round(sample.recordsPerSec).toLocaleString('en-US')} rec/s, produce→ack p50 ${sample.p50Ms.toFixed(2)} ms, p99 ${sample.p99Ms.toFixed(2)} ms, proxy ${proxyCores.toFixed(2)} cores`);
  return sample;
}

function report(samples: Sample[], facts: { rounds: number; durationMs: number; fixedRate: number; loadBefore: number[]; outPath: string | undefined }): void {
  const loadAfter = loadavg();
  const median = (path: Path, load: Load, pick: (sample: Sample) => number): number => {
    const values = samples.filter((s) => s.path === path && s.load === load).map(pick).sort((a, b) => a - b);
    return values[Math.floor(values.length / 2)]!;
  };
  const rows = (['max', 'fixed'] as const).flatMap((load) =>
    (['direct', 'proxy'] as const).map((path) => [
      load === 'max' ? 'max rate' : `${facts.fixedRate.toLocaleString('en-US')} rec/s`,
      path,
      Math.round(median(path, load, (s) => s.recordsPerSec)).toLocaleString('en-US'),
      median(path, load, (s) => s.p50Ms).toFixed(2),
      median(path, load, (s) => s.p99Ms).toFixed(2),
      median(path, load, (s) => s.proxyCores).toFixed(2),
    ]),
  );
  console.log(renderTable(['load', 'path', 'median rec/s', 'p50 ms', 'p99 ms', 'proxy cores'], rows));
  const ratios = {
    maxRateProxyOverDirect: median('proxy', 'max', (s) => s.recordsPerSec) / median('direct', 'max', (s) => s.recordsPerSec),
    fixedP50AddedMs: median('proxy', 'fixed', (s) => s.p50Ms) - median('direct', 'fixed', (s) => s.p50Ms),
    maxP50AddedMs: median('proxy', 'max', (s) => s.p50Ms) - median('direct', 'max', (s) => s.p50Ms),
  };
  console.log(`proxy cost: max rate proxy ÷ direct = ${ratios.maxRateProxyOverDirect.toFixed(3)}; produce→ack p50 ${signed(ratios.maxP50AddedMs)} ms at max rate, ${signed(ratios.fixedP50AddedMs)} ms at ${facts.fixedRate.toLocaleString('en-US')} rec/s`);
  // Each round's own pair: on a busy host the spread of these says how far the medians can be trusted.
  const byRound = roundRatios(samples);
  console.log(`round by round: max rate proxy ÷ direct ${byRound.maxRate.map((r) => r.toFixed(2)).join(', ')}; fixed-rate p50 added ${byRound.fixedP50AddedMs.map(signed).join(', ')} ms`);
  const host = hostFacts();
  console.log(`medians of ${facts.rounds} interleaved rounds, 1 producer thread, 100-byte records, 6 partitions, ${facts.durationMs / 1000} s each (fixed rate: --profile latency); load average before ${loadAverageText(facts.loadBefore)}, after ${loadAverageText(loadAfter)}; host ${host.cpus} × ${host.cpuModel}`);
  writeBenchResult('bench-netproxy', facts.outPath, { kind: 'bench-netproxy', ...facts, loadAfter, samples, ratios, byRound, host });
}

/** Per round: proxy ÷ direct max rate, and the fixed-rate p50 through the proxy minus direct. */
function roundRatios(samples: Sample[]): { maxRate: number[]; fixedP50AddedMs: number[] } {
  const rounds = [...new Set(samples.map((s) => s.round))].sort((a, b) => a - b);
  const pick = (round: number, path: Path, load: Load): Sample => samples.find((s) => s.round === round && s.path === path && s.load === load)!;
  return {
    maxRate: rounds.map((round) => pick(round, 'proxy', 'max').recordsPerSec / pick(round, 'direct', 'max').recordsPerSec),
    fixedP50AddedMs: rounds.map((round) => pick(round, 'proxy', 'fixed').p50Ms - pick(round, 'direct', 'fixed').p50Ms),
  };
}

const signed = (value: number): string => `${value >= 0 ? '+' : ''}${value.toFixed(2)}`;

runBench('bench-netproxy', main);
