import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadTestingNative } from '../../helpers/native-testing.js';

const native = loadTestingNative();

// The producer places keyed records itself (native/src/partition.rs) so it can enqueue them grouped
// per partition; a placement that differs from librdkafka's would move a device's records to
// another partition than every other client of the topic uses.
test('our key placement equals librdkafka\'s murmur2_random partitioner for 1M keys and every partition count 1..64', () => {
  const comparison = native.comparePlacementForTest(1_000_000, 64);
  assert.is(comparison.compared, 64_000_000);
  assert.is(comparison.mismatches, 0, `first mismatch (key hex, partitions, ours, librdkafka's): ${comparison.firstMismatch}`);
  assert.is(comparison.firstMismatch, undefined);
});

test.run();
