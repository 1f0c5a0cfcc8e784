import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hanging, helpWidth, twoColumn, wrapWords } from '../../../src/cli/help-layout.js';

test('wrapWords breaks at spaces only, every line within the width, the words in order', () => {
  const text = 'records lost or duplicated, min.insync.replicas=2 and a duplicate of uniform arrival';
  for (const width of [21, 25, 33, 40]) {
    const lines = wrapWords(text, width);
    for (const line of lines) assert.ok(line.length <= width, `${JSON.stringify(line)} over ${width}`);
    assert.is(lines.join(' '), text);
  }
});

test('a word longer than the line breaks after a / , or =, else stays whole on its own line', () => {
  assert.equal(wrapWords('see configs/profiles/throughput.properties', 20), ['see', 'configs/profiles/', 'throughput.properties']);
  assert.equal(wrapWords('a supercalifragilistic b', 10), ['a', 'supercalifragilistic', 'b']);
});

test('twoColumn puts the text beside a short term and under a long one', () => {
  assert.equal(twoColumn('--seed <int>', 'Seed of the device simulator', 40, 20), ['  --seed <int>      Seed of the device', '                    simulator']);
  assert.equal(twoColumn('--transaction-records <int>', 'Records per transaction', 40, 20), ['  --transaction-records <int>', '                    Records per', '                    transaction']);
});

test('hanging indents every line after the first, so none starts like an option entry', () => {
  const lines = hanging('<duration>: a bare number means seconds: --transaction-ms 100 is 100 s', 40, 2);
  assert.ok(lines.slice(1).every((line) => line.startsWith('    ')));
  assert.ok(lines.every((line) => line.length <= 40));
});

test('helpWidth: the terminal\'s columns, else $COLUMNS, else 80; kept within 40..120', () => {
  assert.is(helpWidth({ isTTY: true, columns: 100 }, {}), 100);
  assert.is(helpWidth({ isTTY: false }, { COLUMNS: '90' }), 90);
  assert.is(helpWidth({ isTTY: false }, {}), 80);
  assert.is(helpWidth({ isTTY: true, columns: 300 }, {}), 120);
  assert.is(helpWidth({ isTTY: false }, { COLUMNS: '20' }), 40);
});

test.run();
