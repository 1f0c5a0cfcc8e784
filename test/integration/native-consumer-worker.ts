// Worker-thread entry for native-consumer.test.ts: one member of a consumer group. It reports every
// change of its assignment, consumes and checks what it gets, and on 'finish' reads its partitions
// up to their end offsets, then sends its result and closes.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { NativeConsumerClient } from '../../src/clients/native-consumer.js';
import { SequenceTracker } from '../../src/verify/sequence-tracker.js';
import { ConsumedChecker, type CheckSummary } from './native-consumer-check.js';

export interface E2eConsumerTask {
  config: Record<string, string>;
  topic: string;
  /** give up this long after start */
  timeoutMs: number;
}

export type ConsumerReport =
  | { type: 'assignment'; partitions: number[]; atMs: number }
  | { type: 'result'; check: CheckSummary; tracker: ReturnType<SequenceTracker['export']>; finalAssignment: number[]; reachedEnd: boolean };

const task = workerData as E2eConsumerTask;
const port = parentPort!;
const deadline = Date.now() + task.timeoutMs;
let finishing = false;
const onMessage = (message: string): void => {
  if (message === 'finish') finishing = true;
};
port.on('message', onMessage);

const client = new NativeConsumerClient(task.config, task.topic);
const checker = new ConsumedChecker('iot-msgpack');
try {
  let reported = '';
  let ends: Map<number, { low: number; high: number }> | undefined;
  let reachedEnd = false;
  while (Date.now() < deadline) {
    const batch = client.poll(5_000, 100);
    if (batch) checker.add(batch.packed);
    const assignment = client.assignment();
    if (assignment.join() !== reported) {
      reported = assignment.join();
      port.postMessage({ type: 'assignment', partitions: assignment, atMs: Date.now() } satisfies ConsumerReport);
    }
    if (finishing) {
      ends ??= client.endOffsets(10_000);
      // Done once every assigned partition's next offset has reached its high watermark.
      if (assignment.every((partition) => checker.nextOffset(partition, ends!.get(partition)?.low ?? 0) >= (ends!.get(partition)?.high ?? 0))) {
        reachedEnd = true;
        break;
      }
    }
    await yieldToLoop(); // lets 'finish' in
  }
  port.postMessage({ type: 'result', check: checker.summary(), tracker: checker.tracker.export(), finalAssignment: client.assignment(), reachedEnd } satisfies ConsumerReport);
} finally {
  client.close();
  port.off('message', onMessage); // a listening port would keep the worker alive
}
