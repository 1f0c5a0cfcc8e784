import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConnection } from '../../../src/connection/config.js';
import { redactSettings, redactText } from '../../../src/connection/redact.js';
import { registryAuthorization } from '../../../src/encodings/registry-auth.js';
import { parseRegistryUrl } from '../../../src/encodings/registry-client.js';
import { strategyFromProperties, valueSubject } from '../../../src/encodings/subject.js';
import { StampedeError } from '../../../src/errors.js';

const url = new URL('http://registry:8081');
const basic = (text: string): string => `Basic ${Buffer.from(text).toString('base64')}`;

test("a Confluent client.properties: the registry's keys stay out of librdkafka's settings, and user.info is a secret", () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-registry-settings-'));
  const file = join(dir, 'client.properties');
  writeFileSync(file, ['security.protocol=PLAINTEXT', 'schema.registry.url=http://registry:8081', 'basic.auth.credentials.source=USER_INFO', 'basic.auth.user.info=svc:reg-pass-1', 'value.subject.name.strategy=io.confluent.kafka.serializers.subject.RecordNameStrategy'].join('\n'));
  const connection = resolveConnection({ brokers: 'b:9092', commandConfig: file });
  assert.equal(Object.keys(connection.settings).sort(), ['bootstrap.servers', 'client.id', 'security.protocol']);
  assert.equal(connection.registry, { 'schema.registry.url': 'http://registry:8081', 'basic.auth.credentials.source': 'USER_INFO', 'basic.auth.user.info': 'svc:reg-pass-1', 'value.subject.name.strategy': 'io.confluent.kafka.serializers.subject.RecordNameStrategy' });
  assert.is(redactSettings(connection.registry!)['basic.auth.user.info'], '[redacted]');
  assert.is(strategyFromProperties(connection.registry!), 'record');
});

test('credentials: USER_INFO (plain or schema.registry.-prefixed), URL, SASL_INHERIT, a bearer token; none without settings', () => {
  assert.is(registryAuthorization({}, {}, url), undefined);
  assert.is(registryAuthorization({ 'basic.auth.credentials.source': 'USER_INFO', 'basic.auth.user.info': 'u:p-secret-1' }, {}, url), basic('u:p-secret-1'));
  assert.is(registryAuthorization({ 'schema.registry.basic.auth.user.info': 'u:p-secret-2' }, {}, url), basic('u:p-secret-2'));
  assert.is(registryAuthorization({}, {}, new URL('http://ann:p%40ss-3@registry:8081')), basic('ann:p@ss-3'));
  assert.is(registryAuthorization({ 'basic.auth.credentials.source': 'SASL_INHERIT' }, { 'sasl.username': 'bob', 'sasl.password': 'p-secret-4' }, url), basic('bob:p-secret-4'));
  assert.is(registryAuthorization({ 'bearer.auth.token': 'tok-secret-5' }, {}, url), 'Bearer tok-secret-5');
  // Every secret seen is kept out of messages from now on: the password, the pair and the header's token.
  assert.is(redactText('p-secret-1 u:p-secret-2 tok-secret-5'), '[redacted] [redacted] [redacted]');
  assert.is(redactText(`sent ${Buffer.from('u:p-secret-1').toString('base64')}`), 'sent [redacted]');
});

test('credentials that cannot work: one line naming the setting', () => {
  const messageOf = (fn: () => unknown): string => {
    try {
      fn();
    } catch (err) {
      assert.instance(err, StampedeError);
      return (err as Error).message;
    }
    throw new Error('expected a StampedeError');
  };
  assert.match(messageOf(() => registryAuthorization({ 'basic.auth.credentials.source': 'USER_INFO' }, {}, url)), /^basic\.auth\.credentials\.source=USER_INFO needs basic\.auth\.user\.info/);
  assert.match(messageOf(() => registryAuthorization({ 'basic.auth.credentials.source': 'SASL_INHERIT' }, {}, url)), /SASL_INHERIT needs a SASL PLAIN or SCRAM login/);
  assert.match(messageOf(() => registryAuthorization({ 'basic.auth.credentials.source': 'KERBEROS' }, {}, url)), /must be USER_INFO, URL or SASL_INHERIT \(got "KERBEROS"\)/);
  assert.match(messageOf(() => registryAuthorization({ 'basic.auth.user.info': 'no-colon' }, {}, url)), /basic\.auth\.user\.info must be <user>:<password>/);
  assert.match(messageOf(() => parseRegistryUrl('registry:8081')), /^--schema-registry must be an http:\/\/ or https:\/\/ URL/);
  assert.match(messageOf(() => strategyFromProperties({ 'value.subject.name.strategy': 'com.example.Mine' })), /value\.subject\.name\.strategy must be one of/);
});

test("subjects: <topic>-value, the record's full name, <topic>-<full name>", () => {
  assert.is(valueSubject('topic', 'weather', 'a.B'), 'weather-value');
  assert.is(valueSubject('record', 'weather', 'a.B'), 'a.B');
  assert.is(valueSubject('topic-record', 'weather', 'a.B'), 'weather-a.B');
});

test.run();
