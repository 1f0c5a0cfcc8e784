import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
import { judgeSoak } from './checks.js';
import { RssSampler } from './rss.js';
import { runBench } from '../shared/entry.js';
import { startOwnBroker } from '../shared/own-broker.js';
import { writeBenchResult } from '../shared/result-file.js';

const kRssEveryMs = 5_000;
/** The soak's settling time: RSS is compared with its value then (a minute, or a fifth of a short run). */
const kSettleMs = 60_000;
/**
 * The soak's broker keeps 1 GiB per partition, checked every 10 s: at half of this host's max rate
 * (655k records/s of 100 B) ten minutes write ~45 GB, more than the shared disk may have free, and
 * the template's one-hour retention deletes nothing within a run.
 */
const kBrokerRetention = { 'log.retention.bytes': String(2 ** 30), 'log.segment.bytes': String(2 ** 27), 'log.retention.check.interval.ms': '10000', 'log.segment.delete.delay.ms': '1000' };

/**
 * `npm run bench:soak` (not in `make test`): a long fixed-rate run at half the max rate
 * this host reaches, against a broker of its own on free loopback ports, checking that memory
 * settles, nothing fails, and every interval keeps the rate. Exit 1 when a check fails.
 */
async function main(): Promise<number> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('bench-soak')
    .option('duration', { type: 'string', default: '10m', describe: 'Soak length (measured, after 10 s warmup)' })
    .option('rate', { type: 'string', describe: 'Records/s to soak at [default: --share of a 20 s max-rate run\'s rate]' })
    .option('share', { type: 'string', default: '50', describe: 'Percent of the max rate to soak at' })
    .option('out', { type: 'string', describe: 'JSON path (default results/bench-soak-<time>.json)' })
    .strict()
    .fail(failOnUsage('bench-soak'))
    .parseAsync();
  const durationMs = parseDurationMs('--duration', argv.duration, 10_000);
  const share = parseInteger('--share', argv.share, 1, 100) / 100;
  const settleMs = Math.min(kSettleMs, durationMs / 5);

  const broker = await startOwnBroker('bench-soak', kBrokerRetention);
  const bootstrap = broker.bootstrap;
  const workDir = mkdtempSync(join(tmpdir(), 'stampede-soak-'));
  const common = ['--brokers', bootstrap, '--format', 'fixed', '--record-size', '100', '--devices', '100000', '--partitions', '6'];
  try {
    let rate = argv.rate === undefined ? undefined : parseInteger('--rate', argv.rate, 1);
    let maxRecordsPerSec: number | undefined;
    if (rate === undefined) {
      const maxOut = join(workDir, 'max.json');
      const max = await runTool(process.execPath, [join(projectRoot, 'bin', 'stampede.js'), 'run', ...common, '--topic', 'soak-max', '--warmup', '5s', '--duration', '20s', '--out', maxOut], { brokerPid: broker.pid, timeoutMs: 180_000 });
      if (max.code !== 0) throw new Error(`the max-rate run failed (exit ${max.code}): ${max.stderr.trim().split('\n').slice(-2).join(' | ')}`);
      maxRecordsPerSec = (JSON.parse(readFileSync(maxOut, 'utf8')) as RunResult).totals.recordsPerSec;
      rate = Math.max(1, Math.round(maxRecordsPerSec * share));
      console.log(`bench-soak: max rate ${Math.round(maxRecordsPerSec).toLocaleString('en-US')} rec/s → soaking at ${rate.toLocaleString('en-US')} rec/s (${share * 100} %)`);
    }
    const out = join(workDir, 'soak.json');
    const args = [join(projectRoot, 'bin', 'stampede.js'), 'run', ...common, '--topic', 'soak', '--rate', String(rate), '--warmup', '10s', '--duration', `${Math.round(durationMs / 1000)}s`, '--out', out];
    console.log(`bench-soak: stampede ${args.slice(1).join(' ')}`);
    let sampler: RssSampler | undefined;
    const soak = await runTool(process.execPath, args, { brokerPid: broker.pid, timeoutMs: durationMs + 300_000, onStart: (pid) => (sampler = new RssSampler(pid, kRssEveryMs)) });
    const rss = sampler?.stop() ?? [];
    const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
    const checks = judgeSoak(result, rss, settleMs);
    console.log(renderTable(['check', 'verdict', 'observed'], checks.map((check) => [check.name, check.pass ? '✓' : '✗', check.observed])));
    console.log(`run exit ${soak.code}; stampede CPU ${soak.cpu.toolCores.toFixed(2)} cores, broker ${soak.cpu.brokerCores?.toFixed(2) ?? '?'} cores; host ${hostFacts().cpus} × ${hostFacts().cpuModel}`);
    writeBenchResult('bench-soak', argv.out, { kind: 'bench-soak', rate, maxRecordsPerSec, durationMs, settleMs, checks, rss, host: hostFacts(), intervals: result.intervals, totals: result.totals });
    return checks.every((check) => check.pass) ? 0 : 1;
  } finally {
    await broker.stop();
  }
}

runBench('bench-soak', main);
