import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { adminError, creationError } from '../../../src/clients/admin.js';
import { resolveConnection } from '../../../src/connection/config.js';

// librdkafka's own wording, as its log and error events carry it (librdkafka 2.12).
const scram = resolveConnection({ brokers: '127.0.0.1:9393', commandProperties: { 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'SCRAM-SHA-512', 'sasl.username': 'alice', 'sasl.password': 'never-shown-1', 'ssl.ca.location': '/tmp/ca.pem' } });

test('a rejected login names the broker, mechanism and user, never the password', () => {
  const error = adminError('auth: sasl_ssl://127.0.0.1:9393/bootstrap: SASL authentication error: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512 (after 312ms in state AUTH_REQ)', 'reach the cluster', 10_000, scram);
  assert.is(error.code, 'E_AUTH');
  assert.is(error.exitCode, 2);
  assert.match(error.message, /^authentication failed at 127\.0\.0\.1:9393: SASL_SSL, SCRAM-SHA-512 as user "alice" was rejected/);
  assert.not.match(error.message, /never-shown-1|after 312ms/);
});

test('an untrusted certificate and a hostname mismatch are told apart', () => {
  const untrusted = adminError('tls: ssl://127.0.0.1:9394/bootstrap: SSL handshake failed: error:0A000086:SSL routines::certificate verify failed: broker certificate could not be verified, verify that ssl.ca.location is correctly configured', 'reach the cluster', 10_000, scram);
  assert.is(untrusted.code, 'E_TLS');
  assert.match(untrusted.message, /^TLS handshake with 127\.0\.0\.1:9394 failed: untrusted certificate: the broker's certificate is not signed by the CA in ssl\.ca\.location=\/tmp\/ca\.pem/);
  const mismatch = adminError('tls: ssl://kafka-1:9394/bootstrap: SSL handshake failed: error:0A000086:SSL routines::certificate verify failed: Hostname mismatch', 'reach the cluster', 10_000, scram);
  assert.match(mismatch.message, /failed: hostname mismatch/);
});

test('unreachable, authorization and other broker errors', () => {
  assert.match(adminError('unreachable: 127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: Connection refused (after 0ms in state CONNECT)', 'reach the cluster', 10_000, scram).message, /^cannot reach Kafka at 127\.0\.0\.1:9393 within 10 s \(Connect to ipv4#127\.0\.0\.1:1 failed: Connection refused\)/);
  const denied = adminError('authorization: creating topic t1: Broker: Topic authorization failed (29)', 'create topic t1', 10_000, scram);
  assert.is(denied.code, 'E_AUTHORIZATION');
  assert.match(denied.message, /^not authorized: SASL_SSL, SCRAM-SHA-512 as user "alice" may not create topic t1/);
  assert.is(adminError('kafka: creating topic t1: Broker: Invalid replication factor (38)', 'create topic t1', 10_000, scram).code, 'E_KAFKA');
});

test('a key or CA file librdkafka cannot read is named with what it must be', () => {
  const mtls = resolveConnection({ brokers: 'b:1', commandProperties: { 'security.protocol': 'SSL', 'ssl.key.location': '/k/client.key', 'ssl.key.password': 'kp-never-1' } });
  const error = creationError('librdkafka could not create the admin client: Client creation error: ssl.key.location failed: error:0A080009:SSL routines::PEM lib', mtls);
  assert.is(error.exitCode, 2);
  assert.match(error.message, /^cannot use ssl\.key\.location=\/k\/client\.key: librdkafka could not read it \(error:0A080009:SSL routines::PEM lib\) — it must be a PEM private key/);
  assert.match(creationError('property sasl.password=kp-never-1 rejected: x', mtls).message, /^connection settings rejected: property sasl\.password=\[redacted\] rejected/);
});

test.run();
