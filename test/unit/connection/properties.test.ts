import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatProperties, parseProperties, type PropertiesError } from '../../../src/connection/properties.js';

const fail = (error: PropertiesError): never => {
  throw new Error(`line ${error.line}: ${error.reason}`);
};

test('key=value, key: value and key value lines, comments and blank lines', () => {
  const text = ['# a comment', '! another', '', 'security.protocol=SASL_SSL', 'sasl.mechanism: SCRAM-SHA-512', 'client.id stampede-test', '  ssl.ca.location = /etc/ca.pem  '].join('\n');
  assert.equal(parseProperties(text, fail), {
    'security.protocol': 'SASL_SSL',
    'sasl.mechanism': 'SCRAM-SHA-512',
    'client.id': 'stampede-test',
    'ssl.ca.location': '/etc/ca.pem  ',
  });
});

test('a trailing backslash continues the line, as Java reads a multi-line sasl.jaas.config', () => {
  const text = 'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\\n    username="alice" \\\n    password="a=b";\nnext=1';
  assert.equal(parseProperties(text, fail), {
    'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="a=b";',
    next: '1',
  });
});

test('escapes: \\t \\n \\\\ \\uXXXX and an escaped separator in a key', () => {
  assert.equal(parseProperties('a\\=b=c\\td\\\\e\\u00e9\r\nempty=', fail), { 'a=b': 'c\td\\eé', empty: '' });
});

test('a malformed \\u escape names its line', () => {
  assert.throws(() => parseProperties('ok=1\nbad=\\u12', fail), /line 2: malformed \\u escape/);
});

test('formatProperties writes what parseProperties reads back exactly: line breaks, backslashes, blanks, separators, comment marks', () => {
  const settings = {
    'ssl.key.pem': '-----BEGIN PRIVATE KEY-----\r\nMIIB\tx\n-----END PRIVATE KEY-----\n',
    'sasl.password': ' pa=ss:wo\\rd # not a comment ',
    'a key=with:separators': 'v',
    '#not-a-comment': '!',
    'empty': '',
    'ends.in.backslash': 'c:\\dir\\',
    'unicode': 'pässwörd ✓',
  };
  const text = formatProperties(settings);
  assert.is(text.split('\n').length, Object.keys(settings).length + 1, 'one line per setting');
  assert.equal(parseProperties(text, fail), settings);
});

test.run();
