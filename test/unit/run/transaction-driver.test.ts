import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AbortChoice, TransactionDriver } from '../../../src/load/transaction-driver.js';
import type { TransactionalClient } from '../../../src/clients/types.js';

/** Notes every call; commits take `commitMs` on the fake clock. */
function fakeClient(clock: { ms: number }, commitMs = 3): TransactionalClient & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    initTransactions: () => void calls.push('init'),
    beginTransaction: () => void calls.push('begin'),
    commitTransaction: () => {
      calls.push('commit');
      clock.ms += commitMs;
      return 'committed';
    },
    abortTransaction: () => void calls.push('abort'),
  };
}

/** Drives batches as the worker does: cap by roomRecords, begin, send, afterBatch. */
function drive(driver: TransactionDriver, clock: { ms: number }, total: number, batch: number, msPerBatch = 0): void {
  let sent = 0;
  while (sent < total) {
    const count = Math.min(batch, total - sent, driver.roomRecords());
    driver.beforeBatch(sent);
    sent += count;
    clock.ms += msPerBatch;
    driver.afterBatch(count);
  }
  driver.finish();
}

test('AbortChoice: seeded, reproducible, near the asked share, distinct per thread', () => {
  const draws = (seed: number, thread: number): boolean[] => {
    const choice = new AbortChoice(0.1, seed, thread);
    return Array.from({ length: 10_000 }, () => choice.next());
  };
  assert.equal(draws(1, 0), draws(1, 0));
  assert.not.equal(draws(1, 0), draws(1, 1));
  assert.not.equal(draws(1, 0), draws(2, 0));
  const share = draws(1, 0).filter(Boolean).length / 10_000;
  assert.ok(share > 0.09 && share < 0.11, `share ${share}`);
  assert.ok(Array.from({ length: 1000 }, () => new AbortChoice(0, 1, 0).next()).every((aborted) => !aborted));
});

test('transactions hold exactly --transaction-records, however batches fall', () => {
  const clock = { ms: 0 };
  const client = fakeClient(clock);
  const driver = new TransactionDriver(client, { runNonce: 'x', records: 700, ms: 1e9, abortRate: 0 }, 1, 0, () => clock.ms);
  drive(driver, clock, 2_000, 300);
  const ledger = driver.report();
  // 700 + 700 + 600 (the last one ends at finish)
  assert.is(ledger.committed, 3);
  assert.is(ledger.committedRecords, 2_000);
  assert.equal(client.calls, ['begin', 'commit', 'begin', 'commit', 'begin', 'commit']);
  const commits = ledger.commitLatencyCounts.reduce((sum, count) => sum + count, 0);
  assert.is(commits, 3, 'one commit latency per committed transaction');
});

test('--transaction-ms ends a transaction at the first batch boundary past it', () => {
  const clock = { ms: 0 };
  const client = fakeClient(clock, 0);
  const driver = new TransactionDriver(client, { runNonce: 'x', records: 1e9, ms: 100, abortRate: 0 }, 1, 0, () => clock.ms);
  drive(driver, clock, 1_000, 100, 30); // 30 ms per batch: a commit every 4th batch (120 ms)
  const ledger = driver.report();
  assert.is(ledger.committed, 3); // 400, 400, then 200 at finish
});

test('aborted transactions are in the ledger as shard record-index ranges, touching ones joined', () => {
  const clock = { ms: 0 };
  const client = fakeClient(clock);
  const driver = new TransactionDriver(client, { runNonce: 'x', records: 100, ms: 1e9, abortRate: 1 }, 1, 0, () => clock.ms);
  drive(driver, clock, 350, 64);
  const ledger = driver.report();
  assert.is(ledger.aborted, 4);
  assert.is(ledger.abortedRecords, 350);
  assert.equal(ledger.abortedRanges, [0, 350]);
  assert.is(ledger.committed, 0);
  assert.ok(client.calls.every((call) => call !== 'commit'));
});

test('a mixed run: committed + aborted records add up, and the aborted ranges are the aborted transactions', () => {
  const clock = { ms: 0 };
  const client = fakeClient(clock);
  const driver = new TransactionDriver(client, { runNonce: 'x', records: 50, ms: 1e9, abortRate: 0.3 }, 9, 2, () => clock.ms);
  drive(driver, clock, 5_000, 50);
  const ledger = driver.report();
  assert.is(ledger.committedRecords + ledger.abortedRecords, 5_000);
  assert.is(ledger.committed + ledger.aborted, 100);
  let inRanges = 0;
  for (let i = 0; i < ledger.abortedRanges.length; i += 2) {
    assert.is(ledger.abortedRanges[i]! % 50, 0, 'ranges start at a transaction boundary');
    inRanges += ledger.abortedRanges[i + 1]! - ledger.abortedRanges[i]!;
  }
  assert.is(inRanges, ledger.abortedRecords);
  // The same order of aborts as the seeded choice draws.
  const choice = new AbortChoice(0.3, 9, 2);
  const expected = Array.from({ length: 100 }, () => (choice.next() ? 'abort' : 'commit'));
  assert.equal(client.calls.filter((call) => call !== 'begin'), expected);
});

test('abandon after a failure aborts the open transaction and books its records as aborted', () => {
  const clock = { ms: 0 };
  const client = fakeClient(clock);
  const driver = new TransactionDriver(client, { runNonce: 'x', records: 1000, ms: 1e9, abortRate: 0 }, 1, 0, () => clock.ms);
  driver.beforeBatch(0);
  driver.afterBatch(300);
  driver.abandon();
  driver.abandon(); // nothing open any more
  assert.equal(client.calls, ['begin', 'abort']);
  assert.equal(driver.report().abortedRanges, [0, 300]);
});

test.run();
