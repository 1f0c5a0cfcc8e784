import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isSensitiveKey, kRedacted, redactDeep, redactSettings, redactText, registerSecrets } from '../../../src/connection/redact.js';

test('librdkafka\'s sensitive properties and anything named like a credential are sensitive', () => {
  for (const key of ['sasl.password', 'sasl.oauthbearer.client.secret', 'sasl.oauthbearer.config', 'ssl.key.password', 'ssl.key.pem', 'ssl.keystore.password', 'sasl.jaas.config', 'my.api.token', 'ssl.truststore.password']) {
    assert.ok(isSensitiveKey(key), key);
  }
  for (const key of ['sasl.username', 'security.protocol', 'ssl.ca.location', 'ssl.key.location', 'bootstrap.servers', 'linger.ms']) {
    assert.not.ok(isSensitiveKey(key), key);
  }
});

test('settings are redacted by key; the rest is kept', () => {
  assert.equal(redactSettings({ 'sasl.username': 'alice', 'sasl.password': 'pw', acks: '1' }), { 'sasl.username': 'alice', 'sasl.password': kRedacted, acks: '1' });
});

test('a registered secret is removed from any text, such as librdkafka echoing a rejected value', () => {
  registerSecrets({ 'sasl.password': 'Tr0ub4dor&3', 'ssl.key.password': 'kp-9f8e', 'client.id': 'not-secret' });
  assert.is(redactText('producer property sasl.password=Tr0ub4dor&3 rejected: x'), `producer property sasl.password=${kRedacted} rejected: x`);
  assert.is(redactText('client not-secret'), 'client not-secret');
});

test('redactDeep: nested objects and arrays, by key and by value', () => {
  registerSecrets({ 'sasl.password': 'deep-secret-1' });
  const result = redactDeep({ librdkafka: { 'sasl.password': 'anything', acks: 'all' }, notices: ['used deep-secret-1 here'], count: 3, nested: [{ token: 'x' }] });
  assert.equal(result, { librdkafka: { 'sasl.password': kRedacted, acks: 'all' }, notices: [`used ${kRedacted} here`], count: 3, nested: [{ token: kRedacted }] });
});

test('a secret that contains another registered secret is redacted whole, not around the shorter one', () => {
  registerSecrets({ 'sasl.password': 'overlap-pw' });
  registerSecrets({ 'sasl.password': 'overlap-pw-longer' });
  assert.is(redactText('bad value "overlap-pw-longer"'), 'bad value "[redacted]"');
});

test.run();
