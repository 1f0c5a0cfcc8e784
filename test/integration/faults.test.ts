import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrokerRestartEvent } from '../../src/contracts/faults.js';
import type { RunResult } from '../../src/contracts/result.js';
import { defaultDataDir, stopLocalBroker } from '../../src/broker/local.js';
import { freePortPair, startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runCli, type CliOutcome } from '../helpers/cli.js';
import { checkIntegrity } from '../helpers/integrity.js';
import { readTopicWithKcat } from '../helpers/kcat.js';

const dir = mkdtempSync(join(tmpdir(), 'stampede-faults-'));
const faults = suite<{ kafka?: TestBroker }>('faults: a broker restart, crashed threads');

// In the folder `stampede broker up` uses for its port, so --fault finds it (by its pid file) and
// kills that broker only: the one this suite started.
faults.before(async (context) => {
  context.kafka = await startTestBroker({ asBrokerUp: true });
});

faults.after(async (context) => {
  await context.kafka?.stop();
});

interface VerifyVerdict {
  integrity: { lost: number; duplicates: number };
  expected: { missing: number; lostAckedAtLeast: number };
}

/** A fixed-rate run with the broker killed 3 s in and restarted 3 s later, then `verify --expect` of what it sent. */
async function restartedRun(kafka: TestBroker, topic: string, producerArgs: string[]): Promise<{ outcome: CliOutcome; result: RunResult; verify: CliOutcome; verdict: VerifyVerdict }> {
  const out = join(dir, `${topic}.json`);
  const outcome = await runCli(
    ['run', '--brokers', kafka.bootstrap, '--topic', topic, '--partitions', '2', '--devices', '200', '--rate', '2000', '--duration', '12s', '--fault', 'broker-restart@3s:3s', ...producerArgs, '--out', out],
    { timeoutMs: 240_000 },
  );
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  const verdictFile = join(dir, `${topic}-verify.json`);
  const verify = await runCli(['verify', '--brokers', kafka.bootstrap, '--expect', out, '--out', verdictFile], { timeoutMs: 180_000 });
  return { outcome, result, verify, verdict: JSON.parse(readFileSync(verdictFile, 'utf8')) as VerifyVerdict };
}

faults('--profile exactly-once through a broker kill -9 and restart: 0 lost, 0 duplicates, the outage and the recovery measured', async ({ kafka }) => {
  // With --e2e too: the consumer group rides out its coordinator's restart and counts re-deliveries once.
  const { outcome, result, verify, verdict } = await restartedRun(kafka!, 'restart-eos', ['--profile', 'exactly-once', '--e2e', '--drain', '90s']);
  // Whether the outage made the run not valid at its rate depends on how long sends were held up;
  // the exit code must say what the result says (integrity is exact, checked below).
  assert.is(outcome.code, result.validity.valid ? 0 : 3, `${outcome.stdout}\n${outcome.stderr}`);
  assert.match(outcome.stdout, /fault: broker pid \d+ killed \(SIGKILL\) 3\.\d s after the start/);
  const fault = result.faults![0] as BrokerRestartEvent | undefined;
  assert.ok(fault!.killedAtMs >= 3000 && fault!.restartedAtMs! - fault!.killedAtMs >= 3000, JSON.stringify(fault));
  assert.is(result.librdkafka['enable.idempotence'], 'true');
  assert.is(result.librdkafka['acks'], 'all');
  assert.is(result.totals.errors, 0, 'idempotent records wait out the outage');
  assert.is(result.totals.acked, result.totals.sent);
  const availability = result.availability!;
  assert.ok(availability.stalls.length >= 1, JSON.stringify(result.intervals.map((row) => [row.elapsedMs, row.recordsPerSec])));
  assert.ok(availability.longestStallMs >= 2000, `longest stall ${availability.longestStallMs} ms spans the 3 s outage, to one interval`);
  // A stall starts at the tick after the last interval with an ack: records in flight at the kill
  // can still be acked in its interval, so one interval after it, plus a loaded host's tick delay
  // (fresh-clone CI: a kill at 3.0 s, the stall from 4,008 ms).
  assert.ok(availability.stalls.some((stall) => stall.startMs <= fault!.killedAtMs + 1500 && stall.endMs >= fault!.restartedAtMs! - 1000), `${JSON.stringify(availability.stalls)} around ${JSON.stringify(fault)}`);
  // The recovery, held to the interval rows: it happened within the run, at the first interval
  // after the longest stall whose rate is back at >= 90 % of the mean of the 3 before the stall.
  const longest = availability.stalls.reduce((a, b) => (b.endMs - b.startMs > a.endMs - a.startMs ? b : a));
  assert.ok(availability.recoveryMs !== null && availability.recoveryMs > 0, `recovery ${availability.recoveryMs} ms`);
  const before = result.intervals.filter((row) => row.elapsedMs <= longest.startMs).slice(-3);
  const rateBefore = before.reduce((sum, row) => sum + row.recordsPerSec, 0) / before.length;
  // The run was producing before the fault (a loaded host can ack less than the 2,000 asked there:
  // fresh-clone CI read 1,651); the recovery below is judged against what it did.
  assert.ok(rateBefore >= 0.5 * 2000, `${rateBefore} rec/s before the stall, at 2,000 asked`);
  const backAt = result.intervals.find((row) => row.elapsedMs === longest.endMs + availability.recoveryMs!);
  assert.ok(backAt !== undefined && backAt.recordsPerSec >= 0.9 * rateBefore, `the interval ${availability.recoveryMs} ms after the stall: ${JSON.stringify(backAt)}`);
  const between = result.intervals.filter((row) => row.elapsedMs > longest.endMs && row.elapsedMs < backAt.elapsedMs);
  assert.ok(between.every((row) => row.recordsPerSec < 0.9 * rateBefore), `none earlier was back: ${JSON.stringify(between.map((row) => row.recordsPerSec))}`);
  assert.equal(availability.errorsByCode, {});
  assert.type(availability.retries, 'number');
  assert.match(outcome.stdout, /✗ availability: \d+ stalls? \(no ack while records were outstanding\), longest \d+\.\d+ s/);
  assert.match(outcome.stdout, /fault injected: broker killed \(SIGKILL\) at 3\.\d+ s, restarted at/);

  assert.is(result.integrity!.lost, 0, 'e2e: nothing lost');
  assert.is(result.integrity!.duplicates, 0, 'e2e: nothing twice');
  assert.is(result.integrity!.uniqueRecords, result.totals.acked);

  assert.is(verify.code, 0, verify.stdout + verify.stderr);
  assert.is(verdict.integrity.lost, 0);
  assert.is(verdict.integrity.duplicates, 0);
  assert.is(verdict.expected.missing, 0);
});

faults('acks=1 without idempotence through the same restart: whatever is lost or duplicated is reported as it is', async ({ kafka }) => {
  // --drain 90s as above: on a loaded host the restarted broker can take longer than the default
  // 30 s drain to answer (a fresh-clone CI run failed so, the broker answering verify right after);
  // what this test checks is how loss and duplicates are reported, not how long a restart takes.
  const { outcome, result, verify, verdict } = await restartedRun(kafka!, 'restart-acks1', ['--producer-props', 'enable.idempotence=false', '--producer-props', 'acks=1', '--drain', '90s']);
  // No --e2e, so no integrity verdict in the run: its exit code follows from validity alone.
  assert.is(outcome.code, result.validity.valid ? 0 : 3, `${outcome.stdout}\n${outcome.stderr}`);
  assert.is(result.librdkafka['acks'], '1');
  assert.ok(result.availability!.stalls.length >= 1);
  // Failures, if any, are named by librdkafka error code and add up to the errors.
  const byCode = Object.values(result.availability!.errorsByCode).reduce((sum, count) => sum + count, 0);
  assert.is(byCode, result.totals.errors, JSON.stringify(result.availability!.errorsByCode));
  // What verify found, held to an independent reading of the topic (kcat): every record on this
  // fresh topic came from the run, so what is missing is sent − distinct records on the topic.
  const onTopic = checkIntegrity(await readTopicWithKcat(kafka!.bootstrap, 'restart-acks1', 120_000), 'iot-msgpack');
  const distinct = onTopic.records - onTopic.duplicates;
  assert.is(verdict.integrity.duplicates, onTopic.duplicates, 'duplicates: verify = kcat');
  assert.is(verdict.integrity.lost, result.totals.sent - distinct, 'lost: verify = sent − distinct records kcat read');
  assert.is(verdict.expected.lostAckedAtLeast, Math.max(0, verdict.integrity.lost - result.totals.errors), 'lost beyond the failures the producer saw');
  const bad = verdict.expected.lostAckedAtLeast > 0 || verdict.integrity.duplicates > 0;
  assert.is(verify.code, bad ? 1 : 0, verify.stdout);
  assert.match(verify.stdout, new RegExp(`lost ${verdict.integrity.lost.toLocaleString('en-US')}, duplicates ${verdict.integrity.duplicates.toLocaleString('en-US')}`));
});

faults('--fault on a broker stampede did not start is refused before the run: exit 2, one line', async () => {
  const outcome = await runCli(['run', '--brokers', '127.0.0.1:1', '--duration', '1s', '--fault', 'broker-restart@1s']);
  assert.is(outcome.code, 2, outcome.stderr);
  assert.match(outcome.stderr, /^stampede: --fault broker-restart: no broker started by stampede runs on 127\.0\.0\.1:1 \(start one with: stampede broker up --port 1\)\n$/);
  const remote = await runCli(['run', '--brokers', 'kafka.example.com:9092', '--duration', '1s', '--fault', 'broker-restart@1s']);
  assert.is(remote.code, 2);
  assert.match(remote.stderr, /restarts only the local broker stampede started.*inject faults with your own tools/);
});

/** Live lines and notes in the order printed: the failure is named before the line `atMostBy` seconds in. */
function namedBefore(stdout: string, failure: RegExp, atMostBy: number): boolean {
  const lines = stdout.split('\n');
  const named = lines.findIndex((line) => failure.test(line));
  const deadline = lines.findIndex((line) => line.startsWith(`[${String(atMostBy).padStart(4)} s]`));
  return named >= 0 && (deadline < 0 || named < deadline);
}

for (const how of ['throw', 'exit'] as const) {
  faults(`a producer thread that crashes (${how}) is named within one interval; the other goes on to the end; the result is written; exit 1`, async () => {
    const out = join(dir, `crash-producer-${how}.json`);
    const outcome = await runCli(['run', '--client', 'null', '--workers', '2', '--rate', '1000', '--duration', '4s', '--out', out], { env: { STAMPEDE_TEST_FAULT: `producer-${how}:1@1500ms` } });
    assert.is(outcome.code, 1, outcome.stdout + outcome.stderr);
    assert.match(outcome.stdout, /note: test hook \$STAMPEDE_TEST_FAULT is set/);
    // Crashed 1.5 s in: named by the tick at 2 s, at the latest before the line at 3 s.
    assert.ok(namedBefore(outcome.stdout, /^note: producer thread 1 failed \(seen at \d+\.\d s\)/, 3), outcome.stdout);
    const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
    assert.is(result.status, 'failed');
    assert.equal(result.failures.map((failure) => failure.worker), [1]);
    const [kept, crashed] = result.sentPerShard!;
    assert.ok(kept! >= 1900 && crashed! < 1000, `worker 0 sent ${kept} (500/s for 4 s), worker 1 ${crashed} before it crashed`);
  });
}

faults('an --e2e consumer thread that crashes is named within one interval; producers go on; the result is written; exit 1', async ({ kafka }) => {
  const out = join(dir, 'crash-consumer.json');
  const outcome = await runCli(
    ['run', '--brokers', kafka!.bootstrap, '--topic', 'crash-consumer', '--partitions', '2', '--e2e', '--consumers', '2', '--rate', '1000', '--duration', '4s', '--drain', '5s', '--out', out],
    { env: { STAMPEDE_TEST_FAULT: 'consumer-throw:1@1500ms' }, timeoutMs: 120_000 },
  );
  assert.is(outcome.code, 1, outcome.stdout + outcome.stderr);
  assert.ok(namedBefore(outcome.stdout, /^note: consumer thread 1 failed \(seen at \d+\.\d s\)/, 3), `${outcome.stdout}\n${outcome.stderr}`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.is(result.status, 'failed');
  assert.ok(result.failures.some((failure) => /consumer 1: consumer thread 1 crashed on purpose/.test(failure.message)), JSON.stringify(result.failures));
  assert.ok(result.totals.acked >= 3900, `producers went on: ${result.totals.acked} acked`);
  assert.ok(result.integrity !== null, 'what the other consumer saw is reported');
});

/** A process's command line ('' when there is no such process). */
function cmdlineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

faults('broker up, status and down on a port of its own: started, found running, already up, stopped, found gone', async () => {
  // broker up puts its controller on port+1: both must be free (a fresh-clone CI run once drew a
  // port whose next one was taken, and the broker exited while starting).
  const port = await freePortPair();
  const broker = (action: string, ...more: string[]): Promise<CliOutcome> => runCli(['broker', action, '--port', String(port), ...more], { timeoutMs: 180_000 });
  try {
    const up = await broker('up', '--heap-mb', '512');
    assert.is(up.code, 0, up.stdout + up.stderr);
    const started = /Kafka is up on 127\.0\.0\.1:(\d+) \(pid (\d+), data in (.+)\)$/m.exec(up.stdout);
    assert.ok(started, up.stdout);
    assert.is(Number(started![1]), port);
    assert.is(started![3], defaultDataDir(port));
    const pid = Number(started![2]);
    assert.match(cmdlineOf(pid), /kafka\.Kafka/, 'the pid printed is the broker JVM');

    const status = await broker('status');
    assert.is(status.code, 0, status.stdout);
    assert.is(status.stdout, `Kafka (pid ${pid}) is running on 127.0.0.1:${port} and answering\n`);
    // A producer reaches it.
    const run = await runCli(['run', '--brokers', `127.0.0.1:${port}`, '--topic', 'broker-up', '--records', '1000', '--out', join(dir, 'broker-up.json')], { timeoutMs: 120_000 });
    assert.is(run.code, 0, run.stdout + run.stderr);
    const again = await broker('up', '--heap-mb', '512');
    assert.is(again.code, 0, again.stdout);
    assert.match(again.stdout, new RegExp(`Kafka is already up on 127\\.0\\.0\\.1:${port} \\(pid ${pid}\\)`));

    const down = await broker('down');
    assert.is(down.code, 0, down.stdout);
    assert.is(down.stdout, `Kafka on 127.0.0.1:${port} stopped\n`);
    // Gone: no such process, or only a zombie not yet reaped (its cmdline is empty).
    assert.not.match(cmdlineOf(pid), /kafka\.Kafka/, 'the broker process is gone');
    const gone = await broker('status');
    assert.is(gone.code, 3, gone.stdout);
    assert.is(gone.stdout, `no Kafka on 127.0.0.1:${port}\n`);
    const downAgain = await broker('down');
    assert.is(downAgain.code, 0);
    assert.is(downAgain.stdout, `no local Kafka started by stampede on 127.0.0.1:${port}\n`);
  } finally {
    await stopLocalBroker({ port, removeData: true });
  }
});

faults.run();
