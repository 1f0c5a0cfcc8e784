import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { newClusterId } from '../../../src/broker/local.js';

test('a cluster id is 16 bytes in URL-safe base64 without padding', () => {
  for (let i = 0; i < 1000; i++) {
    const id = newClusterId();
    assert.match(id, /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    assert.is(Buffer.from(id, 'base64url').length, 16);
  }
});

test('an id that would start with "-" (an option to kafka-storage) is drawn again', () => {
  // 0xf8 as the first byte encodes to "-" first in base64url: the first draw must be refused.
  assert.ok(Buffer.alloc(16, 0xf8).toString('base64url').startsWith('-'));
  const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x01)];
  let calls = 0;
  const id = newClusterId(() => draws[calls++]!);
  assert.is(calls, 2);
  assert.is(id, Buffer.alloc(16, 0x01).toString('base64url'));
});

test.run();
