import { randomBytes } from 'node:crypto';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { NativeConsumerClient } from '../clients/native-consumer.js';
import { ConsumedRecordSink, type FormatChoice } from './sink.js';
import type { ModelIdentity } from '../models/identity.js';

const kAdminTimeoutMs = 10_000;

/**
 * `verify`'s reader: a fresh consumer group reads the topic from the beginning to the end it has
 * now (records written while it reads are left for the next check), every record into one sink.
 * complete: the end was reached before deadlineMs (wall clock). onProgress every 5 s of reading.
 * runId: the run's trace id; traced records of another run are counted apart (sink.foreign).
 * identity: a device model's identity fields, for records without a trace header.
 */
export async function readTopicToEnd(
  settings: Readonly<Record<string, string>>,
  topic: string,
  format: FormatChoice,
  deadlineMs: number,
  onProgress: (recordsRead: number) => void,
  runId?: string,
  identity?: ModelIdentity,
): Promise<{ sink: ConsumedRecordSink; complete: boolean }> {
  const client = new NativeConsumerClient({ ...settings, 'group.id': `stampede-verify-${randomBytes(6).toString('hex')}`, 'auto.offset.reset': 'earliest', 'enable.auto.commit': 'false' }, topic);
  const sink = new ConsumedRecordSink(format, null, undefined, undefined, runId, identity);
  let complete = false;
  try {
    await client.waitForAssignment(30_000);
    const ends = client.endOffsets(kAdminTimeoutMs);
    // The consumer's own positions too: a transactional topic ends in markers no record shows.
    const done = (): boolean => {
      const consumerAt = client.positions();
      return [...ends].every(([partition, { low, high }]) => high <= low || Math.max(sink.positions.get(partition) ?? low, consumerAt.get(partition) ?? low) >= high);
    };
    let lastProgressAt = Date.now();
    let read = 0;
    while (!(complete = done()) && Date.now() < deadlineMs) {
      const batch = client.poll(10_000, 100);
      if (batch) {
        sink.absorb(batch);
        read += batch.count;
      } else await yieldToLoop();
      if (Date.now() - lastProgressAt >= 5000) {
        onProgress(read);
        lastProgressAt = Date.now();
      }
    }
  } finally {
    client.close();
  }
  return { sink, complete };
}
