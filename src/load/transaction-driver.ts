import { StampedeError } from '../errors.js';
import { RegionWriter, readRegion } from '../shared/region.js';
import { regionBytesFor } from '../shared/layout.js';
import { appendRange } from '../verify/aborted.js';
import type { TransactionalClient } from '../clients/types.js';
import type { TransactionLedger, TransactionSettings } from '../contracts/transactions.js';

/** The driver of a client that can write transactions, initialised (its transactional.id registered). */
export function transactionDriverFor(client: { name: string; transactions?: TransactionalClient }, settings: TransactionSettings, seed: number, threadIndex: number): TransactionDriver {
  if (!client.transactions) throw new StampedeError('E_OPTION', `--transactional needs --client native (the ${client.name} client has no transactions here)`);
  const driver = new TransactionDriver(client.transactions, settings, seed, threadIndex);
  driver.init();
  return driver;
}

/** Time a commit or abort may take (librdkafka's transaction.timeout.ms is 60 s by default). */
const kEndTimeoutMs = 30_000;
const kInitTimeoutMs = 30_000;
const kAbandonTimeoutMs = 5_000;

/**
 * Which transactions are aborted: a seeded draw per transaction, in order, so a run with the same
 * --seed aborts the same transactions of the same thread (mulberry32, as the device simulator).
 */
export class AbortChoice {
  private state: number;

  constructor(
    private readonly rate: number,
    seed: number,
    threadIndex: number,
  ) {
    // Its own stream, apart from the simulator's sensor values of the same seed.
    this.state = (seed ^ Math.imul(threadIndex + 0x51ed, 0x85ebca6b) ^ 0x7a3c9e15) >>> 0;
  }

  next(): boolean {
    if (this.rate <= 0) return false;
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 < this.rate;
  }
}

/**
 * Runs a worker thread's transactions around its batches: begins one before a batch when none is
 * open, ends it after a batch once it holds --transaction-records or is --transaction-ms old, and
 * aborts the share --abort-rate draws. Transactions end between batches, so the batch cap
 * (`roomRecords`) makes the record bound exact. The commit call's duration (waiting for the
 * transaction's last acks, then the commit markers) goes into its own histogram.
 */
export class TransactionDriver {
  private open = false;
  private firstRecord = 0;
  private begunAtMs = 0;
  /** records handed to the client in the open transaction */
  private inTransaction = 0;
  private readonly choice: AbortChoice;
  /** a private one-region histogram (the shared layout), read once when the thread ends */
  private readonly commitLatencyBuffer = new SharedArrayBuffer(regionBytesFor(1));
  private readonly commitLatency = new RegionWriter(this.commitLatencyBuffer, 0);
  private readonly ledger: Omit<TransactionLedger, 'commitLatencyCounts'> = { committed: 0, aborted: 0, committedRecords: 0, abortedRecords: 0, abortedRanges: [] };

  constructor(
    private readonly client: TransactionalClient,
    private readonly settings: TransactionSettings,
    seed: number,
    threadIndex: number,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    this.choice = new AbortChoice(settings.abortRate, seed, threadIndex);
  }

  init(): void {
    this.client.initTransactions(kInitTimeoutMs);
  }

  /** Records the next batch may hold so that no transaction exceeds --transaction-records. */
  roomRecords(): number {
    return this.open ? this.settings.records - this.inTransaction : this.settings.records;
  }

  /** Before a batch whose first record is the shard's record `sentSoFar`. */
  beforeBatch(sentSoFar: number): void {
    if (this.open) return;
    this.client.beginTransaction();
    this.open = true;
    this.firstRecord = sentSoFar;
    this.inTransaction = 0;
    this.begunAtMs = this.nowMs();
  }

  /** After a batch of `count` records was handed to the client. */
  afterBatch(count: number): void {
    this.inTransaction += count;
    if (this.inTransaction >= this.settings.records || this.nowMs() - this.begunAtMs >= this.settings.ms) this.end();
  }

  /** Ends the open transaction, if any: before the final flush. */
  finish(): void {
    if (this.open) this.end();
  }

  /**
   * After a failure: aborts the open transaction, if any, so read_committed readers are not held
   * behind it until the broker times it out (transaction.timeout.ms); best effort, its records are
   * in the ledger as aborted either way (none of them may be read).
   */
  abandon(): void {
    if (!this.open) return;
    this.open = false;
    try {
      this.client.abortTransaction(kAbandonTimeoutMs);
    } catch {
      // The failure being reported already says why; the broker aborts it at its timeout.
    }
    this.noteAborted(this.firstRecord, this.firstRecord + this.inTransaction);
  }

  private end(): void {
    const start = this.firstRecord;
    const end = start + this.inTransaction;
    this.open = false;
    if (this.choice.next()) {
      this.client.abortTransaction(kEndTimeoutMs);
      this.noteAborted(start, end);
      return;
    }
    const calledAtMs = this.nowMs();
    const ended = this.client.commitTransaction(kEndTimeoutMs);
    if (ended === 'aborted') {
      this.noteAborted(start, end);
      return;
    }
    this.commitLatency.recordLatencyUs((this.nowMs() - calledAtMs) * 1000);
    this.ledger.committed++;
    this.ledger.committedRecords += end - start;
  }

  private noteAborted(start: number, end: number): void {
    this.ledger.aborted++;
    this.ledger.abortedRecords += end - start;
    appendRange(this.ledger.abortedRanges, start, end);
  }

  report(): TransactionLedger {
    return { ...this.ledger, abortedRanges: [...this.ledger.abortedRanges], commitLatencyCounts: readRegion(this.commitLatencyBuffer, 0).counts };
  }
}
