import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kFixedRateQueueSeconds, readProfile, withFixedRateHeadroom } from '../../../src/clients/librdkafka-settings.js';

// The throughput profile's queue bound was sized by measurement (docs/benchmarks.md, "Memory at max rate"): at max rate
// each producer keeps its queue full, so produce→ack latency is queue depth ÷ rate, and RSS follows
// the deepest the queues ever were. With 1,000,000 records per producer the default workload (2
// threads) held up to ~2M records: ~850 MiB RSS and a ~3 s p99, at fewer records/s than 100,000,
// which gave ~220 MiB and a ~0.3 s p99. Change it only with a new measurement there.
test('the throughput profile bounds each producer queue at 100,000 records', () => {
  const profile = readProfile('throughput');
  assert.is(profile['queue.buffering.max.messages'], '100000');
  assert.is(profile['queue.buffering.max.kbytes'], '1048576');
  assert.is(profile['linger.ms'], '100');
});

test('at a fixed rate a producer queue holds at least 2 s of its records (up to 1M), unless --producer-props sets the bound', () => {
  const profile = readProfile('throughput');
  assert.is(kFixedRateQueueSeconds, 2);
  // 327,000 rec/s per producer (the soak's rate on 2 threads): 654,000 records of headroom.
  assert.is(withFixedRateHeadroom(profile, {}, 327_000)['queue.buffering.max.messages'], '654000');
  // A slow rate keeps the profile's bound: 2 s of it is less.
  assert.is(withFixedRateHeadroom(profile, {}, 10_000)['queue.buffering.max.messages'], '100000');
  // Never above the million the profile had before it was measured down.
  assert.is(withFixedRateHeadroom(profile, {}, 5_000_000)['queue.buffering.max.messages'], '1000000');
  // The user's own bound wins, as every --producer-props does.
  assert.is(withFixedRateHeadroom({ ...profile, 'queue.buffering.max.messages': '5000' }, { 'queue.buffering.max.messages': '5000' }, 327_000)['queue.buffering.max.messages'], '5000');
  assert.is(profile['queue.buffering.max.messages'], '100000', 'the profile itself is not changed');
});

test.run();
