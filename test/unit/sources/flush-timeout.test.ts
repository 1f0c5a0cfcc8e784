import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveWorkload } from '../../../src/options/workload.js';
import { producerTaskTemplate } from '../../../src/sources/local-threads.js';

const flushTimeoutMs = (drain?: string): number => producerTaskTemplate(resolveWorkload({}, { client: 'null', ...(drain ? { drain } : {}) }), {}).flushTimeoutMs;

test('producers wait 30 s for their last acks by default (the default --drain, 15 s, is shorter)', () => {
  assert.is(flushTimeoutMs(), 30_000);
  assert.is(flushTimeoutMs('0s'), 30_000);
});

test('a longer --drain lets the producers wait that long for their last acks, as it lets the consumers catch up', () => {
  assert.is(flushTimeoutMs('90s'), 90_000);
  assert.is(flushTimeoutMs('2m'), 120_000);
});

test.run();
