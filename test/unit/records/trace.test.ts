import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeTraceHeader, encodeTraceHeader, kTraceHeaderBytes } from '../../../src/records/trace.js';

test('the trace header is 29 bytes where the README says, and reads back', () => {
  const trace = { runId: 'a1b2c3d4e5f60718', deviceId: 0x01020304, seq: 2 ** 40 + 5, intendedSendUs: 1_700_000_000_123_456 };
  const bytes = encodeTraceHeader(trace);
  assert.is(bytes.length, kTraceHeaderBytes);
  assert.is(bytes[0], 1, 'version');
  assert.is(bytes.toString('hex', 1, 9), 'a1b2c3d4e5f60718');
  assert.equal([...bytes.subarray(9, 13)], [4, 3, 2, 1]);
  assert.is(bytes.readBigUInt64LE(13), 2n ** 40n + 5n);
  assert.is(bytes.readBigInt64LE(21), 1_700_000_000_123_456n);
  assert.equal(decodeTraceHeader(bytes), trace);
});

test('another size or version is not a trace', () => {
  const bytes = encodeTraceHeader({ runId: '00'.repeat(8), deviceId: 1, seq: 1, intendedSendUs: 1 });
  assert.is(decodeTraceHeader(bytes.subarray(0, 28)), null);
  assert.is(decodeTraceHeader(Buffer.concat([bytes, Buffer.from([0])])), null);
  bytes[0] = 2;
  assert.is(decodeTraceHeader(bytes), null);
});

test.run();
