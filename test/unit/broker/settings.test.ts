import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderServerProperties, scramFormatArgs } from '../../../src/broker/settings.js';
import { StampedeError } from '../../../src/errors.js';
import { configsDir } from '../../../src/paths.js';

const template = readFileSync(join(configsDir, 'broker', 'server.properties'), 'utf8');
const value = (text: string, key: string): string | undefined => new RegExp(`^${key.replaceAll('.', '\\.')}=(.*)$`, 'm').exec(text)?.[1];

test('no extras: the template unchanged', () => {
  assert.is(renderServerProperties(template), template);
  assert.is(renderServerProperties(template, {}), template);
});

test('extra listeners join all three listener lists; PLAINTEXT and CONTROLLER stay first', () => {
  const text = renderServerProperties(template, {
    listeners: [
      { name: 'SASL_SSL', port: 9093, protocol: 'SASL_SSL' },
      { name: 'SSL', port: 9094, protocol: 'SSL', host: 'localhost' },
    ],
  });
  assert.is(value(text, 'listeners'), 'PLAINTEXT://127.0.0.1:${PORT},CONTROLLER://127.0.0.1:${CONTROLLER_PORT},SASL_SSL://127.0.0.1:9093,SSL://localhost:9094');
  assert.is(value(text, 'advertised.listeners'), 'PLAINTEXT://127.0.0.1:${PORT},SASL_SSL://127.0.0.1:9093,SSL://localhost:9094');
  assert.is(value(text, 'listener.security.protocol.map'), 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL');
  assert.is(value(text, 'inter.broker.listener.name'), 'PLAINTEXT');
});

test('extra properties override a template key in place or are appended once', () => {
  const text = renderServerProperties(template, { properties: { 'num.partitions': '3', 'super.users': 'User:ANONYMOUS;User:alice', 'x.path': 'C:\\keys' } });
  assert.is(value(text, 'num.partitions'), '3');
  assert.is(text.match(/^num\.partitions=/gm)?.length, 1);
  assert.is(value(text, 'super.users'), 'User:ANONYMOUS;User:alice');
  assert.is(value(text, 'x.path'), 'C:\\\\keys', 'backslashes escaped for java.util.Properties');
});

test('listener lists cannot be set as properties, and reserved or odd listener names are refused', () => {
  assert.throws(() => renderServerProperties(template, { properties: { listeners: 'X://:1' } }), (err: unknown) => err instanceof StampedeError);
  assert.throws(() => renderServerProperties(template, { listeners: [{ name: 'PLAINTEXT', port: 1, protocol: 'PLAINTEXT' }] }), /PLAINTEXT or CONTROLLER/);
  assert.throws(() => renderServerProperties(template, { listeners: [{ name: 'sasl', port: 1, protocol: 'SASL_SSL' }] }), /upper case/);
});

test('SCRAM users become StorageTool --add-scram arguments; unparseable passwords are refused', () => {
  assert.equal(scramFormatArgs(), []);
  assert.equal(scramFormatArgs([{ mechanism: 'SCRAM-SHA-512', name: 'alice', password: 'pw-1' }]), ['--add-scram', 'SCRAM-SHA-512=[name=alice,password=pw-1]']);
  assert.throws(() => scramFormatArgs([{ mechanism: 'SCRAM-SHA-512', name: 'alice', password: 'a,b' }]), /password/);
});

test.run();
