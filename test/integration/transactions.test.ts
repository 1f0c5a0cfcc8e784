import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../../src/contracts/result.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runCli } from '../helpers/cli.js';
import { assertLatencyWithin } from '../helpers/latency.js';

/** Records kcat reads from the whole topic at an isolation level (an independent librdkafka consumer). */
function countWithKcat(bootstrap: string, topic: string, isolation: 'read_committed' | 'read_uncommitted'): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', '-X', `isolation.level=${isolation}`, '-f', '.']);
    let count = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (count += chunk.length));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(count);
      else reject(new Error(`kcat exited ${code}: ${stderr.trim()}`));
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'stampede-txn-'));
const txn = suite<{ kafka?: TestBroker }>('--transactional on a real broker');

txn.before(async (context) => {
  context.kafka = await startTestBroker();
});

txn.after(async (context) => {
  await context.kafka?.stop();
});

txn('with --abort-rate: no aborted record is read, every committed one exactly once, and kcat read_committed agrees', async ({ kafka }) => {
  const out = join(dir, 'aborts.json');
  const topic = 'txn-aborts';
  const args = ['run', '--brokers', kafka!.bootstrap, '--topic', topic, '--partitions', '3', '--workers', '2', '--devices', '500', '--records', '60000', '--batch', '500'];
  // The time bound is lifted so every transaction is exactly 2,000 records: at the default 100 ms a
  // slow moment on a busy host committed one early and made 31 transactions.
  const outcome = await runCli([...args, '--transactional', '--transaction-records', '2000', '--transaction-ms', '60s', '--abort-rate', '0.3', '--seed', '7', '--e2e', '--out', out], { timeoutMs: 120_000 });
  assert.is(outcome.code, 0, `${outcome.stdout}\n${outcome.stderr}`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  const transactions = result.transactions!;
  // 60,000 records in transactions of exactly 2,000 records: 30 of them over both threads.
  assert.is(transactions.committed + transactions.aborted, 30);
  assert.ok(transactions.aborted > 0 && transactions.committed > 0, `${transactions.aborted} aborted, ${transactions.committed} committed`);
  assert.is(transactions.committedRecords + transactions.abortedRecords, 60_000);
  assert.is(result.totals.acked, 60_000, 'aborted records are acked too: they are in the log, behind an abort marker');
  assert.is(result.librdkafka['acks'], 'all');
  assert.is(result.librdkafka['enable.idempotence'], 'true');

  const integrity = result.integrity!;
  assert.is(integrity.abortedRecords, transactions.abortedRecords);
  assert.is(integrity.abortedRead, 0, 'no aborted read');
  assert.is(integrity.lost, 0, 'every committed record read');
  assert.is(integrity.duplicates, 0, 'none read twice');
  assert.is(integrity.uniqueRecords, transactions.committedRecords);
  assert.is(integrity.consumed, transactions.committedRecords);
  assert.is(result.status, 'ok');

  const commit = result.latency.commit!;
  assert.is(commit.count, transactions.committed, 'one commit latency per committed transaction');
  assertLatencyWithin('commit', commit.hdr, { wallMs: outcome.elapsedMs });
  assert.match(outcome.stdout, /transaction commit/);
  assert.match(outcome.stdout, /✓ aborted reads: 0 of/);

  assert.is(await countWithKcat(kafka!.bootstrap, topic, 'read_committed'), transactions.committedRecords, 'kcat read_committed: the committed records');
  assert.is(await countWithKcat(kafka!.bootstrap, topic, 'read_uncommitted'), 60_000, 'kcat read_uncommitted: the aborted ones too');

  // stampede's own reader agrees, given the run's result: aborted records excused, none read.
  const verified = await runCli(['verify', '--brokers', kafka!.bootstrap, '--expect', out, '--timeout', '30s'], { timeoutMs: 60_000 });
  assert.is(verified.code, 0, `${verified.stdout}\n${verified.stderr}`);
  assert.match(verified.stdout, /✓ aborted reads: 0 of/);
  assert.match(verified.stdout, /lost 0, duplicates 0/);
  assert.ok(verified.elapsedMs < 25_000, `verify took ${verified.elapsedMs} ms (it must see the end of a topic that ends in a commit marker)`);

  // The check is not vacuous: a reader that does see aborted records (read_uncommitted) is caught,
  // every aborted record counted as an aborted read, exit 1.
  const uncommitted = await runCli(['verify', '--brokers', kafka!.bootstrap, '--expect', out, '--timeout', '30s', '--command-property', 'isolation.level=read_uncommitted'], { timeoutMs: 60_000 });
  assert.is(uncommitted.code, 1, `${uncommitted.stdout}\n${uncommitted.stderr}`);
  const abortedCount = transactions.abortedRecords.toLocaleString('en-US');
  assert.match(uncommitted.stdout, `✗ aborted reads: ${abortedCount} of ${abortedCount} records of aborted transactions were read (first: device `);

  // Reproducible: the same seed aborts the same transactions.
  const again = join(dir, 'again.json');
  const second = await runCli([...args.map((arg) => (arg === topic ? 'txn-again' : arg)), '--transactional', '--transaction-records', '2000', '--transaction-ms', '60s', '--abort-rate', '0.3', '--seed', '7', '--out', again], { timeoutMs: 120_000 });
  assert.is(second.code, 0, `${second.stdout}\n${second.stderr}`);
  assert.equal((JSON.parse(readFileSync(again, 'utf8')) as RunResult).transactions!.abortedRecords, transactions.abortedRecords);
});

txn("a device model's records in transactions: aborted ones found through the model's schedule (active share), none read, the committed ones each once", async ({ kafka }) => {
  const out = join(dir, 'model-aborts.json');
  const topic = `txn-model-${randomUUID().slice(0, 8)}`;
  const args = ['run', '--brokers', kafka!.bootstrap, '--topic', topic, '--partitions', '2', '--workers', '2', '--devices', '300', '--records', '12000', '--model', 'weather'];
  const outcome = await runCli([...args, '--transactional', '--transaction-records', '1000', '--abort-rate', '0.4', '--seed', '3', '--e2e', '--out', out], { timeoutMs: 120_000 });
  assert.is(outcome.code, 0, `${outcome.stdout}\n${outcome.stderr}`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  const transactions = result.transactions!;
  assert.ok(transactions.aborted > 0 && transactions.committed > 0, `${transactions.aborted} aborted, ${transactions.committed} committed`);
  const integrity = result.integrity!;
  assert.equal(
    { abortedRecords: integrity.abortedRecords, abortedRead: integrity.abortedRead, lost: integrity.lost, duplicates: integrity.duplicates, unique: integrity.uniqueRecords },
    { abortedRecords: transactions.abortedRecords, abortedRead: 0, lost: 0, duplicates: 0, unique: transactions.committedRecords },
  );
});

txn('by time: --transaction-ms ends transactions of a timed run, all committed and read once', async ({ kafka }) => {
  const out = join(dir, 'timed.json');
  // The record cap at its maximum, 100,000,000 a transaction: no thread sends that many in 2 s, so
  // only --transaction-ms can end a transaction before the run's end. (At the default cap of
  // 100,000 a max-rate run made its commits by the cap alone.)
  const outcome = await runCli(['run', '--brokers', kafka!.bootstrap, '--topic', 'txn-timed', '--partitions', '2', '--devices', '100', '--duration', '2s', '--transactional', '--transaction-records', '100000000', '--transaction-ms', '100ms', '--e2e', '--out', out], { timeoutMs: 90_000 });
  assert.is(outcome.code, 0, `${outcome.stdout}\n${outcome.stderr}`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  const transactions = result.transactions!;
  assert.is(transactions.transactionRecords, 100_000_000);
  assert.ok(result.totals.acked < transactions.transactionRecords, `${result.totals.acked} records: the cap was out of reach`);
  assert.is(transactions.aborted, 0);
  // At most one transaction per 100 ms of the window, plus the one the stop ends; at least several
  // (a commit takes a round trip or two on a loaded host, so fewer than 20 fit).
  const mostCommits = Math.floor(result.totals.durationMs / 100) + 1;
  assert.ok(transactions.committed >= 5 && transactions.committed <= mostCommits, `${transactions.committed} commits in ${result.totals.durationMs} ms at 100 ms (5 to ${mostCommits})`);
  assert.is(transactions.committedRecords, result.totals.acked);
  assert.is(result.integrity!.lost, 0);
  assert.is(result.integrity!.duplicates, 0);
  assert.is(result.integrity!.abortedRead, 0);
  assert.is(result.integrity!.uniqueRecords, result.totals.acked);
});

txn.run();
