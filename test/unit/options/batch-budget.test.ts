import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveWorkload } from '../../../src/options/workload.js';
import { prepareRun } from '../../../src/run/prepare.js';
import { producerTaskTemplate } from '../../../src/sources/local-threads.js';

/** What a worker's batch buffer holds at most: its records' values, keys and headers. */
const batchBytes = (records: number, recordSize: number): number => records * (recordSize + 10 + 16);
const kBudgetBytes = 256 * 2 ** 20;

test('10 MB fixed records with the default --batch 1000: each worker gets batches within 256 MiB, not ~10 GB', () => {
  const workload = resolveWorkload({}, { client: 'null', format: 'fixed', 'record-size': '10000000' });
  assert.is(workload.batchRecords, 1000, 'the asked --batch is kept in the workload (and its JSON)');
  const task = producerTaskTemplate(workload, {});
  assert.ok(task.batchRecords >= 1, `${task.batchRecords} records a batch`);
  assert.ok(batchBytes(task.batchRecords, 10_000_000) <= kBudgetBytes, `${task.batchRecords} × 10 MB fits the budget`);
  assert.ok(batchBytes(task.batchRecords + 1, 10_000_000) > kBudgetBytes, 'as many as fit');
});

test('the run says what it chose instead of --batch, once, before producing', async () => {
  const notices: string[] = [];
  await prepareRun(resolveWorkload({}, { client: 'null', format: 'fixed', 'record-size': '10000000' }), (text) => notices.push(text));
  assert.equal(notices, ['--batch 1000 × --record-size 10000000 is 9.3 GiB a batch per worker, over the 256.0 MiB budget: batches of 26 records instead']);
});

test('batches that fit are left as asked: the default fixed size, the IoT formats, a large batch of small records', async () => {
  for (const flags of [{ format: 'fixed' }, {}, { format: 'iot-json', batch: '1000000' }, { format: 'fixed', 'record-size': '200', batch: '1000000' }]) {
    const workload = resolveWorkload({}, { client: 'null', ...flags });
    const notices: string[] = [];
    await prepareRun(workload, (text) => notices.push(text));
    assert.is(producerTaskTemplate(workload, {}).batchRecords, workload.batchRecords, JSON.stringify(flags));
    assert.equal(notices, [], JSON.stringify(flags));
  }
});

test.run();
