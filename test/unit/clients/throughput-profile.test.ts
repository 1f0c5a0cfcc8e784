import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readProfile } from '../../../src/clients/librdkafka-settings.js';

// The throughput profile's queue bound was sized by measurement (README, "Queue bound"): at max rate
// each producer keeps its queue full, so produce→ack latency is queue depth ÷ rate, and RSS follows
// the deepest the queues ever were. With 1,000,000 records per producer the default workload (2
// threads) held up to ~2M records: ~850 MiB RSS and a ~3 s p99, at fewer records/s than 100,000,
// which gave ~220 MiB and a ~0.3 s p99. Change it only with a new measurement in the README.
test('the throughput profile bounds each producer queue at 100,000 records', () => {
  const profile = readProfile('throughput');
  assert.is(profile['queue.buffering.max.messages'], '100000');
  assert.is(profile['queue.buffering.max.kbytes'], '1048576');
  assert.is(profile['linger.ms'], '100');
});

test.run();
