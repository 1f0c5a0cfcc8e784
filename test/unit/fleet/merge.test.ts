import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { comparableWorkload, instanceDefaults, workloadFingerprint } from '../../../src/options/instance.js';
import { mergeInstanceResults } from '../../../src/sources/instance-files.js';
import { decodeCounts } from '../../../src/fleet/protocol.js';
import { countsIndexOf } from '../../../src/shared/buckets.js';
import { encodeHdr, toHdrHistogram, zeroSnapshot } from '../../../src/histogram/merge.js';
import { resolveWorkload } from '../../../src/options/workload.js';
import type { RunResult } from '../../../src/contracts/result.js';

const workload = { devices: 900, workers: 2, records: 30_000, warmupMs: 0, topic: 't', instanceId: 0, out: 'a.json' };

function hdrOf(values: number[]): string {
  const { counts } = zeroSnapshot();
  for (const value of values) counts[countsIndexOf(value)]! += 1;
  return encodeHdr(toHdrHistogram(counts));
}

/** The fields merge reads, as an instance's result file holds them. */
function instanceResult(id: number, count: number, runId: string, latencies: number[], extra: Partial<typeof workload> = {}): RunResult {
  return {
    schemaVersion: 1,
    status: 'ok',
    startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, id)).toISOString(),
    finishedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 10 + id)).toISOString(),
    notices: [],
    failures: [],
    workload: { ...workload, instanceId: id, out: `i${id}.json`, ...extra, effectiveWorkers: 2 },
    plan: [{ index: 0, firstDevice: id * 300, deviceCount: 150, records: 5_000, rateRecordsPerSec: undefined }, { index: 1, firstDevice: id * 300 + 150, deviceCount: 150, records: 5_000, rateRecordsPerSec: undefined }],
    host: { hostname: `pod-${id}` },
    totals: { sent: latencies.length, acked: latencies.length, errors: 0, backpressureWaits: 1, sendMicros: 10, durationMs: 1_000, measuredAcked: latencies.length, recordsPerSec: latencies.length, mbPerSec: 0.1 },
    latency: { produceAck: { count: latencies.length, p50: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0, unit: 'us', measuredFrom: 'send', clamped: 0, hdr: hdrOf(latencies) }, publishDelay: null, endToEnd: null },
    validity: { valid: true, reason: null },
    intervals: [],
    instance: { id, count, runId, runIdFrom: 'option', slice: { index: id, firstDevice: id * 300, deviceCount: 300, records: 10_000, rateRecordsPerSec: undefined } },
  } as unknown as RunResult;
}

test('merge adds counters and histograms exactly, and lists every instance', () => {
  const parts = [instanceResult(2, 3, 'r', [5, 6]), instanceResult(0, 3, 'r', [1, 2, 3]), instanceResult(1, 3, 'r', [1000])];
  const merged = mergeInstanceResults(parts, ['c.json', 'a.json', 'b.json']);
  assert.is(merged.totals.sent, 6);
  assert.is(merged.totals.acked, 6);
  assert.is(merged.totals.backpressureWaits, 3);
  const counts = decodeCounts(merged.latency.produceAck.hdr);
  assert.is(counts.reduce((sum, count) => sum + count, 0), 6);
  assert.is(counts[countsIndexOf(1000)], 1);
  assert.is(merged.latency.produceAck.max, 1000);
  assert.equal(merged.instance!.instances!.map((instance) => instance.id), [0, 1, 2]);
  assert.equal(merged.plan.map((shard) => shard.index), [0, 1, 2, 3, 4, 5]);
  assert.is(merged.totals.durationMs, 3_000, 'the union of the windows, earliest start to latest end');
});

test('merge refuses files of two runs, another workload, a repeated or a missing instance', () => {
  const names = ['a.json', 'b.json', 'c.json'];
  assert.throws(() => mergeInstanceResults([instanceResult(0, 3, 'r', [1]), instanceResult(1, 3, 'other', [1]), instanceResult(2, 3, 'r', [1])], names), /b\.json is from run other, a\.json from run r: these files are not one run/);
  assert.throws(() => mergeInstanceResults([instanceResult(0, 2, 'r', [1]), instanceResult(1, 2, 'r', [1], { devices: 901 })], names), /b\.json ran another workload than a\.json/);
  assert.throws(() => mergeInstanceResults([instanceResult(0, 3, 'r', [1]), instanceResult(0, 3, 'r', [1]), instanceResult(2, 3, 'r', [1])], names), /instance 0 is given twice \(a\.json and b\.json\)/);
  assert.throws(() => mergeInstanceResults([instanceResult(0, 3, 'r', [1]), instanceResult(2, 3, 'r', [1])], names), /instance 1 of 3 missing \(run r\)/);
  const plain = instanceResult(0, 1, 'r', [1]);
  delete (plain as { instance?: unknown }).instance;
  assert.throws(() => mergeInstanceResults([plain], names), /a\.json is not the result of one instance/);
});

test('instances differ only in per-instance options', () => {
  assert.is(comparableWorkload({ devices: 5, instanceId: 0, out: 'a' } as never), comparableWorkload({ devices: 5, instanceId: 1, out: 'b' } as never));
  // Where each instance serves /metrics or writes its reports is its own affair, not the run's.
  assert.is(comparableWorkload({ devices: 5, metricsPort: 9100, metricsHost: '127.0.0.1', html: 'a.html' } as never), comparableWorkload({ devices: 5, metricsPort: 9101, metricsHost: '0.0.0.0', csv: 'b.csv' } as never));
  assert.is.not(comparableWorkload({ devices: 5 } as never), comparableWorkload({ devices: 6 } as never));
});

test('the default run id is no hash over a secret: it does not change with the password, and the text it hashes holds none', () => {
  const withSecrets = (password: string) =>
    resolveWorkload({}, { 'command-property': ['sasl.username=alice', `sasl.password=${password}`], 'producer-props': [`ssl.key.password=${password}-key`, 'linger.ms=5'] });
  const one = withSecrets('Hunter2Secret');
  const other = withSecrets('correct-horse-battery');
  assert.not.ok(comparableWorkload(one).includes('Hunter2Secret'), 'no password in the fingerprinted text');
  assert.is(workloadFingerprint(one), workloadFingerprint(other));
  // Not a hash over nothing: what is not secret still tells runs apart.
  assert.is.not(workloadFingerprint(one), workloadFingerprint(resolveWorkload({}, { 'command-property': ['sasl.username=bob', 'sasl.password=Hunter2Secret'], 'producer-props': ['ssl.key.password=Hunter2Secret-key', 'linger.ms=5'] })));
  assert.is.not(workloadFingerprint(one), workloadFingerprint({ ...one, devices: one.devices + 1 }));
});

test('an Indexed Job needs no wrapper: JOB_COMPLETION_INDEX and STAMPEDE_INSTANCES are the defaults, flags win', () => {
  assert.equal(instanceDefaults({ JOB_COMPLETION_INDEX: '2', STAMPEDE_INSTANCES: '8', STAMPEDE_RUN_ID: 'uid-1' }, {}), { instances: '8', 'instance-id': '2', 'run-id': 'uid-1' });
  assert.equal(instanceDefaults({ JOB_COMPLETION_INDEX: '2', STAMPEDE_INSTANCES: '8' }, { 'instance-id': '5' }), { instances: '8' });
  assert.equal(instanceDefaults({ JOB_COMPLETION_INDEX: '2' }, {}), {}, 'an index alone (another Job) splits nothing');
});

test.run();
