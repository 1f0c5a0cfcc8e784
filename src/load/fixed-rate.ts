import { setTimeout as sleep } from 'node:timers/promises';
import type { ProducerClient } from '../clients/types.js';
import type { ArrivalSchedule } from '../records/arrival.js';
import type { BatchBuilder } from '../records/batch.js';
import type { RecordWriter } from '../records/record-writer.js';
import { wallClockUs } from '../runtime.js';
import type { RegionWriter } from '../shared/region.js';

/**
 * How far ahead of its records' due times a batch is handed to the native pacer. Enough to ride out
 * a GC pause or a busy event loop; short, so a stop ends sending within this much of the schedule.
 */
export const kPacerLookaheadUs = 20_000;

/**
 * The longest single wait for a record's time: a schedule's zero-rate stretch (or its end) has no
 * next record for a long while, and the loop must still see a stop within this much.
 */
const kLongestWaitMs = 100;

/** What both fixed-rate loops drive; the worker builds it once. */
export interface FixedRateSender {
  client: ProducerClient;
  schedule: ArrivalSchedule;
  records: RecordWriter;
  builder: BatchBuilder;
  region: RegionWriter;
  publishDelays: RegionWriter;
  /** records a batch holds at most */
  batchRecords: number;
  /** records to send in all (Infinity for a timed run) */
  quota: number;
  /** true once the coordinator says stop */
  stopped(): boolean;
  /** fault injection: called before each batch; resolves once any due stall has been slept */
  stallIfDue(): Promise<void>;
  /** called once per loop turn (a batch or a wait): the thread notes its own CPU time */
  afterBatch?(): void;
}

/** Takes records of the schedule due by `horizonUs` (at least one, at most `limit`) into the builder. */
function buildDueBy(sender: FixedRateSender, horizonUs: number, limit: number): number {
  const { builder, records, schedule } = sender;
  builder.reset();
  let taken = 0;
  while (taken < limit && (taken === 0 || schedule.peekUs() <= horizonUs)) {
    records.append(builder, schedule.next());
    taken++;
  }
  return taken;
}

/**
 * Native client: JS generates and encodes ahead (each record carries its intended time) and hands
 * batches to the native pacer, which enqueues each record at that time, writes its publish delay and
 * stamps its latency from it. JS never waits for a record's time, only for the lookahead to shrink.
 */
export async function sendAhead(sender: FixedRateSender): Promise<number> {
  const { client, schedule, builder, region } = sender;
  let sent = 0;
  while (sent < sender.quota && !sender.stopped()) {
    sender.afterBatch?.();
    await sender.stallIfDue();
    // A load schedule that has made its last record due ends the loop: nothing more will be.
    if (schedule.exhausted) break;
    const nowUs = wallClockUs();
    const aheadUs = schedule.peekUs() - nowUs;
    if (aheadUs > kPacerLookaheadUs / 2) {
      // Far enough ahead: sleep until half the lookahead is left, then top it up.
      await sleep(Math.min(kLongestWaitMs, Math.max(1, Math.floor((aheadUs - kPacerLookaheadUs / 2) / 1000))));
      continue;
    }
    buildDueBy(sender, nowUs + kPacerLookaheadUs, Math.min(sender.batchRecords, sender.quota - sent));
    const records = builder.count;
    region.addSent(records);
    sent += records;
    const startedMs = performance.now();
    await client.sendPaced!({ packed: builder.view(), count: records, payloadBytes: builder.payloadBytes, handedAtMs: startedMs, handedAtWallUs: wallClockUs(), fromIntended: true });
    region.addSendMicros((performance.now() - startedMs) * 1000);
  }
  return sent;
}

/**
 * JS clients (node-rdkafka, null): the worker hands over, in slices, the records due by now; it
 * waits for the next one with the event loop's timers (~1 ms granularity), so no record is handed
 * before its time and each is at most about a millisecond late. That lateness, and any time blocked
 * in send, is each record's publish delay, and latency is measured from the intended time.
 */
export async function sendInSlices(sender: FixedRateSender): Promise<number> {
  const { client, schedule, builder, region, publishDelays } = sender;
  let sent = 0;
  const intendedUs: number[] = [];
  while (sent < sender.quota && !sender.stopped()) {
    sender.afterBatch?.();
    await sender.stallIfDue();
    if (schedule.exhausted) break;
    const nowUs = wallClockUs();
    const waitUs = schedule.peekUs() - nowUs;
    if (waitUs > 0) {
      // A timer may fire a little early (the loop's cached time): the check above runs again.
      await sleep(Math.min(kLongestWaitMs, Math.max(1, Math.floor(waitUs / 1000))));
      continue;
    }
    builder.reset();
    intendedUs.length = 0;
    const limit = Math.min(sender.batchRecords, sender.quota - sent);
    while (intendedUs.length < limit && schedule.peekUs() <= nowUs) {
      const dueUs = schedule.next();
      intendedUs.push(dueUs);
      sender.records.append(builder, dueUs);
    }
    const count = intendedUs.length;
    region.addSent(count);
    sent += count;
    const startedMs = performance.now();
    await client.send({ packed: builder.view(), count, payloadBytes: builder.payloadBytes, handedAtMs: startedMs, handedAtWallUs: wallClockUs(), fromIntended: true });
    region.addSendMicros((performance.now() - startedMs) * 1000);
    // After the send: a record's publish delay includes any time the client kept it waiting.
    const sentAtUs = wallClockUs();
    for (const dueUs of intendedUs) publishDelays.recordLatencyUs(sentAtUs - dueUs);
  }
  return sent;
}
