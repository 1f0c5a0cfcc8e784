import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { translateJaas, translateJavaSettings } from '../../../src/connection/jaas.js';

const fail = (message: string): never => {
  throw new Error(message);
};

test('ScramLoginModule becomes sasl.username and sasl.password', () => {
  const jaas = 'org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="s3cr\\"et";';
  assert.equal(translateJaas(jaas, 'f', fail), { 'sasl.username': 'alice', 'sasl.password': 's3cr"et' });
});

test('PlainLoginModule with unquoted values and no trailing semicolon', () => {
  assert.equal(translateJaas('org.apache.kafka.common.security.plain.PlainLoginModule required username=bob password=pw123', 'f', fail), {
    'sasl.username': 'bob',
    'sasl.password': 'pw123',
  });
});

test('OAuthBearerLoginModule: client credentials for OIDC, and the unsecured JWT login', () => {
  const oidc = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="app" clientSecret="shh" scope="kafka";';
  assert.equal(translateJaas(oidc, 'f', fail), { 'sasl.oauthbearer.client.id': 'app', 'sasl.oauthbearer.client.secret': 'shh', 'sasl.oauthbearer.scope': 'kafka' });
  const unsecured = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="alice" unsecuredLoginExtension_traceId="123";';
  assert.equal(translateJaas(unsecured, 'f', fail), { 'enable.sasl.oauthbearer.unsecure.jwt': 'true', 'sasl.oauthbearer.config': 'principal=alice extension_traceId=123' });
});

test('a login module librdkafka cannot use, or a missing password, is named and no value is echoed', () => {
  assert.throws(() => translateJaas('com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true;', 'f', fail), /Krb5LoginModule: librdkafka supports PlainLoginModule/);
  assert.throws(() => translateJaas('org.apache.kafka.common.security.plain.PlainLoginModule required username="alice";', 'f', fail), /needs username="…" and password="…"/);
  try {
    translateJaas('org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="hunter22" ???', 'file.properties', fail);
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.not.match((err as Error).message, /hunter22/);
  }
});

test('a malformed line names the options read before the fault, never a value: unquoted, unterminated or in the tail', () => {
  const module = 'org.apache.kafka.common.security.plain.PlainLoginModule required';
  const cases = [
    [`${module} username=alice password=Hunter2Secret extra;`, /cannot read its options after username=… password=… \(each is key="value"; values are not shown\)$/],
    [`${module} username=alice password="Hunter2Secret;`, /cannot read its options after username=… \(/],
    [`${module} Hunter2Secret;`, /cannot read its options before its first option \(/],
  ] as const;
  for (const [jaas, names] of cases) {
    try {
      translateJaas(jaas, 'client.properties', fail);
      assert.unreachable(`should have thrown: ${jaas}`);
    } catch (err) {
      const message = (err as Error).message;
      assert.not.ok(message.includes('Hunter2Secret'), message);
      assert.not.ok(message.includes('alice'), message);
      assert.match(message, /^client\.properties: sasl\.jaas\.config: /);
      assert.match(message, names);
    }
  }
});

test('Java client settings: jaas translated, the OIDC handler becomes sasl.oauthbearer.method, an empty endpoint algorithm becomes none', () => {
  const translated = translateJavaSettings(
    {
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'PLAIN',
      'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="k" password="v12";',
      'ssl.endpoint.identification.algorithm': '',
      'ssl.keystore.type': 'PKCS12',
    },
    'client.properties',
    fail,
  );
  assert.equal(translated.settings, { 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'PLAIN', 'sasl.username': 'k', 'sasl.password': 'v12', 'ssl.endpoint.identification.algorithm': 'none' });
  assert.equal(translated.notices, ['client.properties: sasl.jaas.config translated to librdkafka\'s sasl.* settings']);
  assert.equal(
    translateJavaSettings({ 'sasl.login.callback.handler.class': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler' }, 'f', fail).settings,
    { 'sasl.oauthbearer.method': 'oidc' },
  );
});

test('Java-only keys get one line saying what to use instead', () => {
  assert.throws(() => translateJavaSettings({ 'ssl.truststore.location': '/x.jks' }, 'client.properties', fail), /^client\.properties: ssl\.truststore\.location is a Java client setting: .*ssl\.ca\.location/);
  assert.throws(() => translateJavaSettings({ 'ssl.keystore.type': 'JKS' }, 'f', fail), /PKCS#12.*ssl\.certificate\.location/);
  assert.throws(() => translateJavaSettings({ 'ssl.truststore.password': 'changeit' }, 'f', fail), (err: Error) => !err.message.includes('changeit'));
});

test.run();
