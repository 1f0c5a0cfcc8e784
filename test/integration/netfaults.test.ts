import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import type { IntervalRow, RunResult } from '../../src/contracts/result.js';
import { startLocalBroker, stopLocalBroker } from '../../src/broker/local.js';
import { freePort, portIsFree } from '../../src/broker/free-port.js';
import { startProxyNetwork, type ProxiedNodeNetwork } from '../../src/netproxy/index.js';
import { projectRoot } from '../../src/paths.js';
import { userEnv, type CliOutcome } from '../helpers/cli.js';

interface Context {
  network?: ProxiedNodeNetwork;
  bootstrap?: string;
  stopBroker?: () => Promise<void>;
}

// A broker of its own, not the shared one: it binds a loopback address of its own behind the
// proxy, and the partition test cuts it off.
const netfaults = suite<Context>('network faults through the proxy: a delay measured by the run, a partition ridden out');
const kNodeHost = '127.0.0.12';
const dir = mkdtempSync(join(tmpdir(), 'stampede-netfaults-'));

async function portFreeOnBoth(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (await portIsFree(port, kNodeHost)) return port;
  }
}

netfaults.before(async (context) => {
  const node = { nodeId: 1, host: kNodeHost, brokerPort: await portFreeOnBoth(), controllerPort: await portFreeOnBoth() };
  // The proxies first: the broker reaches its own controller through them, and answers metadata there.
  context.network = await startProxyNetwork([node]);
  const dataDir = join(dir, 'broker');
  try {
    await startLocalBroker({ port: node.brokerPort, controllerPort: node.controllerPort, bindHost: kNodeHost, dataDir, heapMb: 512, startTimeoutMs: 120_000 });
  } catch (err) {
    console.error(`broker behind the proxy on ${kNodeHost}:${node.brokerPort} did not start: ${(err as Error).message}`);
    throw err;
  }
  context.bootstrap = `127.0.0.1:${node.brokerPort}`;
  context.stopBroker = async () => void await stopLocalBroker({ port: node.brokerPort, dataDir, removeData: true });
  process.once('exit', () => void context.stopBroker?.());
});

netfaults.after(async (context) => {
  await context.stopBroker?.();
  await context.network?.stop();
});

interface Timed {
  outcome: CliOutcome;
  result: RunResult;
  /** ms after the run's start when the fault began and ended */
  faultStartMs: number;
  faultEndMs: number;
}

/**
 * A run of `args` with a fault injected when its live line for second `fromS` appears and undone at
 * second `untilS` (on the run's own clock, whatever its start-up took); fault times as ms of the run.
 */
async function runWithFault(args: string[], fromS: number, untilS: number, inject: () => Promise<void>, undo: () => Promise<void>): Promise<Timed> {
  const out = join(dir, `${randomUUID().slice(0, 8)}.json`);
  const child = spawn(process.execPath, [join(projectRoot, 'bin', 'stampede.js'), ...args, '--out', out], { env: userEnv() });
  const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
  let stdout = '';
  let stderr = '';
  let startWall = 0;
  let endWall = 0;
  let faults = Promise.resolve();
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const seconds = [...stdout.matchAll(/^\[\s*(\d+) s\]/gm)].map((match) => Number(match[1]));
    const last = seconds.at(-1) ?? 0;
    if (startWall === 0 && last >= fromS) {
      startWall = Date.now();
      faults = faults.then(inject);
    }
    if (startWall !== 0 && endWall === 0 && last >= untilS) {
      endWall = Date.now();
      faults = faults.then(undo);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  await faults;
  const outcome: CliOutcome = { code, stdout, stderr, elapsedMs: 0 };
  assert.ok(startWall !== 0 && endWall !== 0, `the run reached second ${untilS}: ${stdout}\n${stderr}`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  const runStart = Date.parse(result.startedAt);
  return { outcome, result, faultStartMs: startWall - runStart, faultEndMs: endWall - runStart };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const rowsText = (rows: IntervalRow[]): string => JSON.stringify(rows.map((row) => [row.elapsedMs, row.recordsPerSec, Math.round(row.p50Us / 100) / 10]));

// First: it also warms the broker up for the latency figures of the next test.
netfaults('partition for 3 s mid-run: acks stop while it lasts, the run recovers after heal, lost 0 and duplicates 0 (--e2e)', async ({ network, bootstrap }) => {
  const topic = `netpart-${randomUUID().slice(0, 8)}`;
  const args = ['run', '--brokers', bootstrap!, '--topic', topic, '--partitions', '2', '--devices', '100', '--rate', '1000', '--duration', '11s', '--profile', 'exactly-once', '--e2e', '--drain', '60s'];
  const { outcome, result, faultStartMs, faultEndMs } = await runWithFault(args, 2, 5, () => network!.partition(1), () => network!.heal(1));
  assert.is(outcome.code, result.validity.valid ? 0 : 3, `${outcome.stdout}\n${outcome.stderr}`);
  const cut = result.intervals.filter((row) => row.elapsedMs - 1000 >= faultStartMs + 100 && row.elapsedMs <= faultEndMs);
  assert.ok(cut.length >= 1 && cut.every((row) => row.recordsPerSec === 0), `no acks while partitioned (${faultStartMs}–${faultEndMs} ms): ${rowsText(result.intervals)}`);
  // As in the faults suite: a stall starts at the tick after the last interval with an ack, up to one interval and a late tick after the cut.
  assert.ok(result.availability!.stalls.some((stall) => stall.startMs <= faultStartMs + 1500 && stall.endMs >= faultEndMs - 1000), JSON.stringify(result.availability));
  const after = result.intervals.filter((row) => row.elapsedMs > faultEndMs);
  assert.ok(after.some((row) => row.recordsPerSec >= 900), `back at the rate after heal: ${rowsText(result.intervals)}`);
  assert.is(result.totals.errors, 0, 'idempotent records wait out the partition');
  assert.is(result.totals.acked, result.totals.sent);
  assert.is(result.integrity!.lost, 0, 'e2e: nothing lost');
  assert.is(result.integrity!.duplicates, 0, 'e2e: nothing twice');
  console.log(`  partition ${(faultStartMs / 1000).toFixed(1)}–${(faultEndMs / 1000).toFixed(1)} s: longest stall ${result.availability!.longestStallMs} ms, ${result.totals.acked} acked of ${result.totals.sent}, lost ${result.integrity!.lost}`);
});

netfaults('delay 20 ms mid-run: produce→ack p50 in the delay window rises by 20 ms ± 10 % over the same run before it', async ({ network, bootstrap }) => {
  const topic = `netdelay-${randomUUID().slice(0, 8)}`;
  const args = ['run', '--brokers', bootstrap!, '--topic', topic, '--partitions', '2', '--devices', '100', '--rate', '1000', '--duration', '12s', '--profile', 'latency', '--interval', '500ms'];
  const { outcome, result, faultStartMs, faultEndMs } = await runWithFault(args, 6, 11, () => network!.delay(1, 20), () => network!.heal(1));
  // A generator falling behind on a busy host makes the run not valid (exit 3); latency is still measured from each record's intended send time.
  assert.is(outcome.code, result.validity.valid ? 0 : 3, `${outcome.stdout}\n${outcome.stderr}`);
  // Interval rows cover (elapsedMs - 500 ms, elapsedMs]: whole intervals before the delay (after 3 s of settling), and whole ones inside it.
  const before = result.intervals.filter((row) => row.elapsedMs >= 3000 && row.elapsedMs <= faultStartMs);
  const during = result.intervals.filter((row) => row.elapsedMs - 500 >= faultStartMs + 100 && row.elapsedMs <= faultEndMs);
  assert.ok(before.length >= 3 && during.length >= 6, `fault ${faultStartMs}–${faultEndMs} ms; rows ${rowsText(result.intervals)}`);
  const beforeMs = median(before.map((row) => row.p50Us)) / 1000;
  const duringMs = median(during.map((row) => row.p50Us)) / 1000;
  console.log(`  produce→ack p50: ${beforeMs.toFixed(2)} ms before the delay, ${duringMs.toFixed(2)} ms with 20 ms delay: +${(duringMs - beforeMs).toFixed(2)} ms`);
  assert.ok(duringMs - beforeMs >= 18 && duringMs - beforeMs <= 22, `p50 rose ${(duringMs - beforeMs).toFixed(2)} ms; rows ${rowsText(result.intervals)}`);
  assert.ok(median(during.map((row) => row.recordsPerSec)) >= 900, `the rate held: ${rowsText(during)}`);
});

netfaults.run();
