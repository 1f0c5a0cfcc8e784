import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { localBrokerProcess, localBrokerStatus } from '../../src/broker/local.js';
import { projectRoot } from '../../src/paths.js';
import type { BrokerRestartEvent } from '../../src/contracts/faults.js';
import type { RunResult } from '../../src/contracts/result.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { userEnv } from '../helpers/cli.js';
import { waitUntil } from '../helpers/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'stampede-fault-signals-'));
const signals = suite<{ kafka?: TestBroker }>('signals during --fault broker-restart: the broker is started again before stampede exits');

// Where `stampede broker up` keeps its port's broker, so --fault finds (and kills) this one only.
signals.before(async (context) => {
  context.kafka = await startTestBroker({ asBrokerUp: true });
});

signals.after(async (context) => {
  await context.kafka?.stop();
});

interface SignalledRun {
  code: number | null;
  /** the signal that ended the process, null when it exited by itself */
  signal: NodeJS.Signals | null;
  stdout: string;
  killedPid: number;
}

/**
 * A run whose broker is killed 2 s in and kept down for 2 minutes, then sent `signals` (spaced by
 * `gapMs`) while it is down: nothing but the signal handling can have started it again.
 */
async function signalledRun(kafka: TestBroker, topic: string, sent: NodeJS.Signals[], out: string, gapMs = 500): Promise<SignalledRun> {
  // --drain 90s: the broker started again on the signal can take more than the default 30 s to
  // answer on a loaded host (fresh-clone CI: still down 30 s after a restart 0.1 s after its kill),
  // and the acks it then drains are what the exit code 130 is about. A 1 s reconnect backoff (Java's;
  // librdkafka's grows to 10 s while the broker is down) so the drain starts when the broker answers.
  const args = ['run', '--brokers', kafka.bootstrap, '--topic', topic, '--partitions', '1', '--devices', '100', '--rate', '500', '--duration', '120s', '--fault', 'broker-restart@2s:120s', '--drain', '90s', '--producer-props', 'reconnect.backoff.max.ms=1000', '--out', out];
  const child: ChildProcess = spawn(process.execPath, [join(projectRoot, 'bin', 'stampede.js'), ...args], { cwd: projectRoot, env: userEnv() });
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  try {
    let exited = false;
    void closed.then(() => (exited = true));
    const killed = await waitUntil(() => exited || /fault: broker pid \d+ killed/.test(stdout), 120_000, 50);
    assert.ok(killed && /fault: broker pid \d+ killed/.test(stdout), `the fault never killed the broker:\n${stdout}`);
    const killedPid = Number(/fault: broker pid (\d+) killed/.exec(stdout)![1]);
    for (const [i, signal] of sent.entries()) {
      if (i > 0) await sleep(gapMs);
      child.kill(signal);
    }
    const ended = await Promise.race([closed, sleep(180_000).then(() => undefined)]);
    assert.ok(ended !== undefined, `stampede did not exit within 3 min of ${sent.join(', ')}:\n${stdout}`);
    return { ...ended, stdout, killedPid };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** The broker of the pid file is a new process, and it answers metadata requests again (a JVM takes a while). */
async function assertBrokerBack(kafka: TestBroker, killedPid: number, stdout: string): Promise<void> {
  const port = Number(kafka.bootstrap.split(':')[1]);
  const restartedPid = Number(/fault: broker restarted \(pid (\d+)\)/.exec(stdout)?.[1]);
  assert.ok(restartedPid > 0, `no restart line before the exit:\n${stdout}`);
  const running = localBrokerProcess(port);
  assert.is(running?.pid, restartedPid, 'the pid file names the restarted broker, and it runs');
  assert.is.not(restartedPid, killedPid);
  let answering = false;
  const deadline = Date.now() + 150_000;
  while (!answering && Date.now() < deadline) {
    answering = (await localBrokerStatus({ port })).answering;
    if (!answering) await sleep(1_000);
  }
  assert.ok(answering, `the restarted broker (pid ${restartedPid}) answers on ${kafka.bootstrap}`);
}

signals('one SIGTERM while the broker is down: it is started again at once, acks drain, the result is written, exit 130', async ({ kafka }) => {
  const out = join(dir, 'sigterm.json');
  const run = await signalledRun(kafka!, 'signals-sigterm', ['SIGTERM'], out);
  assert.is(run.signal, null, `handled, not killed by SIGTERM:\n${run.stdout}`);
  assert.is(run.code, 130, run.stdout);
  assert.match(run.stdout, /stopped \(SIGTERM\): stopping producers and waiting for outstanding acks \(a second signal to quit at once\)/);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.is(result.status, 'interrupted');
  const fault = result.faults![0] as BrokerRestartEvent;
  assert.is(fault.killedPid, run.killedPid);
  assert.type(fault.restartedPid, 'number');
  await assertBrokerBack(kafka!, run.killedPid, run.stdout);
});

signals('two Ctrl-C while the broker is down: the second quits, and the broker is started again first', async ({ kafka }) => {
  const run = await signalledRun(kafka!, 'signals-sigint', ['SIGINT', 'SIGINT'], join(dir, 'sigint.json'));
  assert.is(run.code, 130, run.stdout);
  await assertBrokerBack(kafka!, run.killedPid, run.stdout);
});

signals('two SIGTERMs while the broker is down: the same', async ({ kafka }) => {
  const run = await signalledRun(kafka!, 'signals-sigterm-twice', ['SIGTERM', 'SIGTERM'], join(dir, 'sigterm-twice.json'));
  assert.is(run.signal, null, run.stdout);
  assert.is(run.code, 130, run.stdout);
  await assertBrokerBack(kafka!, run.killedPid, run.stdout);
});

signals.run();
