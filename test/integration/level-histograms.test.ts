import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { RunResult } from '../../src/contracts/result.js';
import { kAckLogVariable } from '../../src/clients/ack-log.js';
import { encodeHdr, newHdrHistogram, summarize } from '../../src/histogram/merge.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runCli } from '../helpers/cli.js';

// Not timing-sensitive (a level's validity is not what is held here), so it runs in the shards,
// not alone with schedules.test.ts.
const dir = mkdtempSync(join(tmpdir(), 'stampede-level-histograms-'));
const levelHistograms = suite<{ kafka?: TestBroker }>('per-level histograms of a stepped run against its own records, on a real broker');

levelHistograms.before(async (context) => {
  context.kafka = await startTestBroker();
});

levelHistograms.after(async (context) => {
  await context.kafka?.stop();
});

levelHistograms('each level\'s produce→ack percentiles equal those of its own records: every ack\'s latency exported by a test hook, split at the levels\' counts, rebuilt into a histogram', async ({ kafka }) => {
  const out = join(dir, 'exact.json');
  const log = join(dir, 'acks.txt');
  // node-rdkafka: its delivery reports record each latency in JS on the main thread, where the
  // level boundaries are read, so the hook sees every value the histograms got, in ack order.
  const args = ['run', '--client', 'node-rdkafka', '--brokers', kafka!.bootstrap, '--topic', `exact-${randomUUID().slice(0, 8)}`, '--partitions', '1', '--steps', '300..900/300@2s', '--warmup', '1s', '--format', 'fixed', '--devices', '30', '--profile', 'latency', '--max-publish-delay', '2s', '--out', out];
  const outcome = await runCli(args, { timeoutMs: 120_000, env: { [kAckLogVariable]: log } });
  // 3: a level this shared host could not hold is judged not valid; what is held here is each level's records.
  assert.ok(outcome.code === 0 || outcome.code === 3, `${outcome.stdout}\n${outcome.stderr}`);
  assert.match(outcome.stdout, new RegExp(`test hook \\$${kAckLogVariable} is set`));
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  const latenciesUs = readFileSync(log, 'utf8').trim().split('\n').map(Number);
  assert.is(latenciesUs.length, result.totals.acked, 'one exported latency per acked record, warmup included');
  assert.ok(latenciesUs.every((value) => value >= 0 && Number.isFinite(value)), 'every value went into the histogram (none negative)');
  const levels = result.levels!;
  assert.equal(levels.map((level) => level.targetRecordsPerSec), [300, 600, 900]);
  assert.is(levels.reduce((sum, level) => sum + level.acked, 0), result.totals.measuredAcked, 'levels sum to the measured total');
  // The warmup's acks come first; each level is the next `acked` records.
  let from = result.totals.acked - result.totals.measuredAcked;
  for (const level of levels) {
    const own = latenciesUs.slice(from, from + level.acked);
    from += level.acked;
    assert.ok(own.length > 0.5 * level.targetRecordsPerSec, `level ${level.targetRecordsPerSec}: ${own.length} records`);
    const histogram = newHdrHistogram();
    for (const latencyUs of own) histogram.recordValue(Math.round(latencyUs));
    const expected = summarize(histogram);
    const { count, p50, p95, p99, p999, max, mean } = level.latency.produceAck;
    assert.equal({ count, p50, p95, p99, p999, max, mean }, expected, `level ${level.targetRecordsPerSec}: reported vs rebuilt from its ${own.length} records`);
    assert.is(level.latency.produceAck.hdr, encodeHdr(histogram), `level ${level.targetRecordsPerSec}: the same histogram, bucket for bucket`);
    assert.ok(expected.max > expected.p50, `level ${level.targetRecordsPerSec}: a spread of values, not one`);
  }
  assert.is(from, result.totals.acked, 'the last level ends with the last ack');
});

levelHistograms.run();
