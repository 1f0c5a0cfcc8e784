import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StampedeError } from '../../../src/errors.js';
import { parseBrokers } from '../../../src/connection/brokers.js';

function rejects(list: string, badEntry: string): void {
  try {
    parseBrokers(list);
  } catch (err) {
    assert.instance(err, StampedeError);
    const e = err as StampedeError;
    assert.is(e.code, 'E_OPTION');
    assert.match(e.message, /^--brokers must be host:port/);
    assert.ok(e.message.includes(`(got ${JSON.stringify(badEntry)})`), e.message);
    return;
  }
  assert.unreachable(`parseBrokers(${JSON.stringify(list)}) should have thrown`);
}

test('a single host:port', () => {
  assert.equal(parseBrokers('127.0.0.1:9092'), [{ host: '127.0.0.1', port: 9092 }]);
});

test('a list with spaces around entries', () => {
  assert.equal(parseBrokers(' kafka-1.internal:9092 , kafka_2:19092,localhost:1 '), [
    { host: 'kafka-1.internal', port: 9092 },
    { host: 'kafka_2', port: 19092 },
    { host: 'localhost', port: 1 },
  ]);
});

test('IPv6 literals in brackets', () => {
  assert.equal(parseBrokers('[::1]:9092,[fe80::1%eth0]:29092'), [
    { host: '::1', port: 9092 },
    { host: 'fe80::1%eth0', port: 29092 },
  ]);
});

test('a missing port names the bad entry', () => {
  rejects('foo', 'foo');
  rejects('localhost:9092, kafka', 'kafka');
  rejects('kafka:', 'kafka:');
  rejects('::1:9092', '::1:9092');
});

test('a port out of range', () => {
  rejects('localhost:0', 'localhost:0');
  rejects('localhost:65536', 'localhost:65536');
  rejects('localhost:-1', 'localhost:-1');
  assert.equal(parseBrokers('localhost:65535'), [{ host: 'localhost', port: 65535 }]);
});

test('an empty list or entry', () => {
  rejects('', '');
  rejects('   ', '   ');
  rejects('a:1,,b:2', 'a:1,,b:2');
});

test.run();
