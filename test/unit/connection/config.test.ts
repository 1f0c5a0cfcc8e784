import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeLogin, resolveConnection } from '../../../src/connection/config.js';
import { redactText } from '../../../src/connection/redact.js';

const dir = mkdtempSync(join(tmpdir(), 'stampede-connection-'));

test('a properties file, then --command-property, then --brokers; client.id defaults to stampede', () => {
  const file = join(dir, 'client.properties');
  writeFileSync(file, 'security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="file-pw-123";\nbootstrap.servers=elsewhere:9092\n');
  const connection = resolveConnection({ brokers: '127.0.0.1:9093', commandConfig: file, commandProperties: { 'sasl.mechanism': 'SCRAM-SHA-256' } });
  assert.equal(connection.settings, {
    'client.id': 'stampede',
    'security.protocol': 'SASL_SSL',
    'sasl.mechanism': 'SCRAM-SHA-256',
    'sasl.username': 'alice',
    'sasl.password': 'file-pw-123',
    'bootstrap.servers': '127.0.0.1:9093',
  });
  assert.ok(connection.notices.some((line) => line.includes('bootstrap.servers=elsewhere:9092') && line.includes('--brokers 127.0.0.1:9093')));
  // The file's secret is known to the redactor from here on.
  assert.not.match(redactText('rejected file-pw-123'), /file-pw-123/);
});

test('the user\'s client.id is kept (quotas are keyed on it)', () => {
  assert.is(resolveConnection({ brokers: 'b:1', commandProperties: { 'client.id': 'team-a' } }).settings['client.id'], 'team-a');
});

test('an unreadable file and a bad line are named', () => {
  assert.throws(() => resolveConnection({ brokers: 'b:1', commandConfig: join(dir, 'missing.properties') }), /--command-config .*missing\.properties cannot be read \(ENOENT\)/);
  const bad = join(dir, 'bad.properties');
  writeFileSync(bad, 'ok=1\nssl.truststore.location=/x.jks\n');
  assert.throws(() => resolveConnection({ brokers: 'b:1', commandConfig: bad }), /bad\.properties: ssl\.truststore\.location is a Java client setting/);
});

test('describeLogin names the protocol, mechanism and user, never the password', () => {
  assert.is(describeLogin({ 'security.protocol': 'sasl_ssl', 'sasl.mechanism': 'SCRAM-SHA-512', 'sasl.username': 'alice', 'sasl.password': 'pw' }), 'SASL_SSL, SCRAM-SHA-512 as user "alice"');
  assert.is(describeLogin({ 'security.protocol': 'SSL' }), 'SSL');
  assert.is(describeLogin({}), 'PLAINTEXT');
});

test.run();
