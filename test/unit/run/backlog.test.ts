import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { BacklogDrain } from '../../../src/run/modes/backlog.js';
import type { EndToEndConsumers } from '../../../src/consume/e2e-group.js';
import { readAllRegions } from '../../../src/histogram/snapshots.js';
import { regionBytesFor } from '../../../src/shared/layout.js';
import { RegionWriter } from '../../../src/shared/region.js';
import type { SnapshotSource } from '../../../src/sources/types.js';

/** (A 10 ms interval: one interval's worth stays well below the backlogs these tests build in ~100 ms.) Producers and consumers as shared-memory regions this test writes, the way the threads do. */
function fixture() {
  const produced = new SharedArrayBuffer(regionBytesFor(1));
  const consumed = new SharedArrayBuffer(regionBytesFor(1));
  let endProducers!: () => void;
  const finished = new Promise<never[]>((resolve) => (endProducers = () => resolve([])));
  const producers = { snapshot: () => readAllRegions(produced, 1), stopping: false, finished } as unknown as SnapshotSource;
  const pausedCalls: boolean[] = [];
  const e2e = { regions: consumed, slots: 1, setPaused: (paused: boolean) => pausedCalls.push(paused) } as unknown as EndToEndConsumers;
  return { producer: new RegionWriter(produced, 0), consumer: new RegionWriter(consumed, 0), producers, e2e, pausedCalls, endProducers };
}

test('resumes once the backlog is built, and reports the drain and the time until the lag is under one interval\'s worth', async () => {
  const { producer, consumer, producers, e2e, pausedCalls } = fixture();
  const notices: string[] = [];
  const backlog = new BacklogDrain(1_000_000, 10, producers, e2e, (text) => notices.push(text));
  backlog.start();
  producer.addAcked(5_000, 500_000);
  await sleep(120);
  assert.equal(pausedCalls, [], 'half the backlog: still paused');
  producer.addAcked(5_000, 600_000);
  await sleep(120);
  assert.equal(pausedCalls, [false], 'resumed');
  consumer.addAcked(9_990, 1_090_000);
  await sleep(120);
  const report = backlog.finish(10_000);
  assert.is(report.resumedBecause, 'backlog-reached');
  assert.is(report.reachedRecords, 10_000);
  assert.ok(report.recoveryMs !== null && report.recoveryMs > 0);
  assert.is(report.drain.records, 9_990);
  assert.is(report.lagAtEndRecords, 10);
  assert.ok(notices.some((text) => /backlog drained/.test(text)), notices.join('\n'));
});

test('a lag that never recovers is said so, and producers that stop first resume the consumers', async () => {
  const { producer, consumer, producers, e2e, pausedCalls, endProducers } = fixture();
  const notices: string[] = [];
  const backlog = new BacklogDrain(1_000_000_000, 10, producers, e2e, (text) => notices.push(text));
  backlog.start();
  producer.addAcked(200_000, 20_000_000);
  endProducers();
  await sleep(120);
  assert.equal(pausedCalls, [false], 'resumed when the producers ended');
  consumer.addAcked(1_000, 100_000);
  const report = backlog.finish(200_000);
  assert.is(report.resumedBecause, 'producers-stopped');
  assert.is(report.recoveryMs, null);
  assert.is(report.lagAtEndRecords, 199_000);
  assert.ok(notices.some((text) => /✗ lag never got back under [\d]+ records .*199000 records behind/.test(text)), notices.join('\n'));
});

test.run();
