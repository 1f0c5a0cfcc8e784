import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { IntervalRow } from '../../../src/contracts/result.js';
import type { ClusterFaultEvent, ClusterSample, ErrorCodeSample } from '../../../src/contracts/faults.js';
import { errorsByCodeBetween, judgeFaultWindow } from '../../../src/verdicts/fault-windows.js';
import { renderClusterFault } from '../../../src/report/fault-summary.js';
import { summarizeTimeline } from '../../../src/faults/cluster-poller.js';
import { leaderToKill } from '../../../src/faults/node-actions.js';

const row = (seconds: number, recordsPerSec: number, p99Ms: number): IntervalRow => ({
  elapsedMs: seconds * 1000, phase: 'measure', recordsPerSec, mbPerSec: 0, p50Us: p99Ms * 500, p99Us: p99Ms * 1000, maxUs: 0, errors: 0, backpressureWaits: 0, totalSent: 0, totalAcked: 0,
});

test('a kill at 5 s: before is the five intervals ahead, during those it overlaps, recovery at the first healthy interval after the hurt ones', () => {
  const rows = [1, 2, 3, 4, 5].map((s) => row(s, 2000, 10)).concat([row(6, 400, 900), row(7, 0, 0), row(8, 3000, 50), row(9, 2000, 12), row(10, 2000, 10)]);
  const event: ClusterFaultEvent = { kind: 'kill-leader', nodes: [2], pids: [1], startMs: 5000, endMs: 7000 };
  judgeFaultWindow(event, rows, 1000, 10_000);
  assert.is(event.before!.recordsPerSec, 2000);
  assert.is(event.before!.p99Us, 10_000);
  assert.is(event.during!.fromMs, 5000);
  assert.is(event.during!.toMs, 7000);
  assert.is(event.during!.recordsPerSec, 200);
  // 8 s: rate back but p99 50 ms ≥ 2 × 10 ms; 9 s: 12 ms < 20 ms
  assert.is(event.recoveryMs, 4000);
});

test('a fault no interval felt recovers in 0; one never recovered is null', () => {
  const calm = [1, 2, 3, 4].map((s) => row(s, 1000, 5));
  const felt: ClusterFaultEvent = { kind: 'pause-node', nodes: [3], pids: [1], startMs: 2000, endMs: 3000 };
  judgeFaultWindow(felt, calm, 1000, 4000);
  assert.is(felt.recoveryMs, 0);
  const broken: ClusterFaultEvent = { kind: 'kill-node', nodes: [1], pids: [1], startMs: 2000, endMs: null };
  judgeFaultWindow(broken, [row(1, 1000, 5), row(2, 1000, 5), row(3, 0, 0), row(4, 100, 900)], 1000, 4000);
  assert.is(broken.recoveryMs, null);
});

test('failures by error name fall in the window they were read in: before, during, and after to the last read (purged at close)', () => {
  const rows = [1, 2, 3, 4, 5, 6, 7, 8].map((s) => ({ ...row(s, 1000, 5), errors: s === 4 ? 3 : s === 5 ? 2 : 0 }));
  // two producer threads, each read at interval ends (a few ms late), kept when the counts changed
  const first: ErrorCodeSample[] = [{ atMs: 1004, errorsByCode: { _MSG_TIMED_OUT: 1 } }, { atMs: 4003, errorsByCode: { _MSG_TIMED_OUT: 1, NOT_ENOUGH_REPLICAS: 2 } }, { atMs: 9100, errorsByCode: { _MSG_TIMED_OUT: 1, NOT_ENOUGH_REPLICAS: 2, _PURGE_QUEUE: 4 } }];
  const second: ErrorCodeSample[] = [{ atMs: 3998, errorsByCode: { NOT_ENOUGH_REPLICAS: 1 } }, { atMs: 5001, errorsByCode: { NOT_ENOUGH_REPLICAS: 3 } }];
  const event: ClusterFaultEvent = { kind: 'partition-node', nodes: [1], pids: [1], startMs: 3000, endMs: 5000 };
  judgeFaultWindow(event, rows, 1000, 8000, [first, second]);
  assert.equal(event.before!.errorsByCode, { _MSG_TIMED_OUT: 1 });
  assert.equal(event.during!.errorsByCode, { NOT_ENOUGH_REPLICAS: 5 });
  assert.is(event.during!.errors, 5);
  assert.equal(event.after!.errorsByCode, { _PURGE_QUEUE: 4 });
  assert.equal(errorsByCodeBetween([first, second], 0, Infinity, 1000), { _MSG_TIMED_OUT: 1, NOT_ENOUGH_REPLICAS: 5, _PURGE_QUEUE: 4 });
  const lines = renderClusterFault(event);
  assert.match(lines.join('\n'), /during: .*, 5 failed \(NOT_ENOUGH_REPLICAS 5\)/);
  assert.match(lines.join('\n'), /after: {2}.*, 4 failed \(_PURGE_QUEUE 4\)/);
});

test('without reads (a client that cannot tell) the windows carry no failures by name', () => {
  const event: ClusterFaultEvent = { kind: 'kill-node', nodes: [1], pids: [1], startMs: 2000, endMs: 3000 };
  judgeFaultWindow(event, [1, 2, 3, 4].map((s) => row(s, 1000, 5)), 1000, 4000);
  assert.is(event.during!.errorsByCode, undefined);
  assert.not.match(renderClusterFault(event).join('\n'), /failed/);
});

test('the timeline counts leader changes and the time a partition had no running leader', () => {
  const sample = (s: number, leaders: number[]): ClusterSample => ({ elapsedMs: s * 1000, activeController: 1, underReplicated: 0, minIsr: 3, leaderless: leaders.filter((l) => l < 0).length, leaders });
  const timeline = summarizeTimeline('t', [sample(0, [1, 2]), sample(1, [-1, 2]), sample(2, [-1, 2]), sample(3, [3, 2]), sample(4, [3, 2])]);
  assert.equal(timeline.partitions, [
    { partition: 0, leaderChanges: 1, leaderlessMs: 2000 },
    { partition: 1, leaderChanges: 0, leaderlessMs: 0 },
  ]);
  assert.ok(timeline.fullIsrAtEnd);
});

test('kill-leader picks the named partition\'s leader, else the node leading the most partitions', () => {
  const topic = { name: 't', internal: false, partitions: [0, 1, 2, 3].map((partition) => ({ partition, leader: partition === 0 ? 1 : partition === 3 ? 3 : 2, replicas: [1, 2, 3], isr: [1, 2, 3] })) };
  assert.equal(leaderToKill(topic, 3), { node: 3, partition: 3 });
  assert.equal(leaderToKill(topic, undefined), { node: 2, partition: 1 });
});

test.run();
