import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseRdkafkaConsumeSummary } from '../../../bench/consume/peers.js';

test("rdkafka_performance -G: the last summary line is the run's, its rate from records and milliseconds", () => {
  const stdout = [
    '% Waiting for group rebalance..',
    '% 1210000 messages (121000000 bytes) consumed in 1000ms: 1210000 msgs/s (121.00 MB/s)',
    '% INTERVAL: 1210000 messages (121000000 bytes) consumed in 1000ms: 1210000 msgs/s (121.00 MB/s)',
    '% 3000000 messages (300000000 bytes) consumed in 1999ms: 1500087 msgs/s (150.01 MB/s)',
    '',
  ].join('\n');
  assert.equal(parseRdkafkaConsumeSummary(stdout), { records: 3_000_000, recordsPerSec: 1_500_750 });
});

test('no summary, or one over 0 ms, is no figure', () => {
  assert.is(parseRdkafkaConsumeSummary('% Subscribe failed: Local: Unknown topic\n'), undefined);
  assert.is(parseRdkafkaConsumeSummary('% 0 messages (0 bytes) consumed in 0ms: 0 msgs/s (0.00 MB/s)\n'), undefined);
});

test.run();
