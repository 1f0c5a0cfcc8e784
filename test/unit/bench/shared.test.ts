import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeBenchResult } from '../../../bench/shared/result-file.js';
import { loadAverageText, medianOf, rotated, spreadText } from '../../../bench/shared/rounds.js';

test('rotated: each round starts one kind later, so every kind runs first once in as many rounds', () => {
  const plan = ['a', 'b', 'c'];
  assert.equal([0, 1, 2, 3].map((round) => rotated(plan, round).join('')), ['abc', 'bca', 'cab', 'abc']);
  assert.equal(plan, ['a', 'b', 'c'], 'the plan itself is left as it was');
});

test('medianOf: the middle of an odd sample, the upper middle of an even one, whatever the order', () => {
  assert.is(medianOf([5, 1, 3]), 3);
  assert.is(medianOf([4, 1, 3, 2]), 3);
  const values = [9, 2, 7];
  medianOf(values);
  assert.equal(values, [9, 2, 7], 'the sample is not sorted in place');
});

test('spreadText and loadAverageText: whole records with separators; load to two decimals', () => {
  assert.is(spreadText([2_374_000.4, 1_990_123.6, 2_500_000]), '1,990,124 – 2,500,000');
  assert.is(loadAverageText([1.234, 0.5, 0]), '1.23 0.50 0.00');
});

test('writeBenchResult writes the JSON where asked (folders made), one object and a newline', () => {
  const target = join(mkdtempSync(join(tmpdir(), 'stampede-bench-shared-')), 'deeper', 'out.json');
  const logged: string[] = [];
  const original = console.log;
  console.log = (line: string) => logged.push(line);
  try {
    assert.is(writeBenchResult('bench-test', target, { kind: 'bench-test', rounds: 3 }), target);
  } finally {
    console.log = original;
  }
  const text = readFileSync(target, 'utf8');
  assert.ok(text.endsWith('}\n'));
  assert.equal(JSON.parse(text), { kind: 'bench-test', rounds: 3 });
  assert.equal(logged, [`result: ${target}`]);
});

test.run();
