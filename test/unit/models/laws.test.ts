import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseModel } from '../../../src/models/read-model.js';
import { CompiledModel } from '../../../src/models/compile.js';

const kRecords = 200_000;
const kDevices = 200;
const kBaseUs = Date.UTC(2026, 0, 1) * 1000;

const model = parseModel(
  'laws.yaml',
  `fields:
  id: { gen: device }
  seq: { gen: seq }
  flat: { gen: uniform, min: 10, max: 30 }
  bell: { gen: normal, mean: 100, sd: 15 }
  humidity: { gen: uniform, min: 20, max: 100, round: 0 }
  pick: { gen: choice, values: { clear: 6, rain: 3, snow: 1 } }
  level: { gen: walk, start: { gen: uniform, min: 0, max: 10 }, step: { gen: normal, mean: 0, sd: 1 }, min: 0, max: 10, round: 1 }
  status: { gen: states, initial: ok, transitions: { ok: { ok: 0.99, warn: 0.01 }, warn: { ok: 0.2, warn: 0.75, fault: 0.05 }, fault: { ok: 0.1, fault: 0.9 } } }
  load: { gen: daily, base: { gen: uniform, min: 0, max: 2 }, hours: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24] }
  at: { gen: time, unit: iso }
`,
);

/** 200,000 records over 200 devices, send times spread over one day so every hour is seen. */
function sample(): Record<string, unknown>[] {
  const compiled = new CompiledModel(model, { firstDevice: 0, deviceCount: kDevices }, 7);
  const records: Record<string, unknown>[] = [];
  const stepUs = (24 * 3_600_000_000) / kRecords;
  for (let i = 0; i < kRecords; i++) records.push({ ...compiled.next(kBaseUs + i * stepUs) });
  return records;
}
const records = sample();

const meanOf = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
const sdOf = (values: number[]): number => {
  const mean = meanOf(values);
  return Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1));
};
const column = (name: string): number[] => records.map((record) => record[name] as number);

test('uniform: mean and deviation of (min + max) / 2 and (max − min) / √12, within 1 %', () => {
  const flat = column('flat');
  assert.ok(flat.every((value) => value >= 10 && value <= 30));
  assert.ok(Math.abs(meanOf(flat) - 20) < 0.2, `mean ${meanOf(flat)}`);
  assert.ok(Math.abs(sdOf(flat) / (20 / Math.sqrt(12)) - 1) < 0.01, `sd ${sdOf(flat)}`);
  const humidity = column('humidity');
  assert.ok(humidity.every((value) => Number.isInteger(value) && value >= 20 && value <= 100), 'round: 0 gives whole numbers within bounds');
});

test('normal: mean and deviation as given, within 1 %', () => {
  const bell = column('bell');
  assert.ok(Math.abs(meanOf(bell) - 100) < 1, `mean ${meanOf(bell)}`);
  assert.ok(Math.abs(sdOf(bell) / 15 - 1) < 0.01, `sd ${sdOf(bell)}`);
  // about 68.3 % within one deviation
  const within = bell.filter((value) => Math.abs(value - 100) < 15).length / bell.length;
  assert.ok(Math.abs(within - 0.6827) < 0.01, `within 1 sd: ${within}`);
});

test('weighted choice: each value within ±1 % of its weight\'s share', () => {
  const counts = new Map<string, number>();
  for (const record of records) counts.set(record['pick'] as string, (counts.get(record['pick'] as string) ?? 0) + 1);
  for (const [value, share] of [['clear', 0.6], ['rain', 0.3], ['snow', 0.1]] as const) {
    const seen = (counts.get(value) ?? 0) / kRecords;
    assert.ok(Math.abs(seen - share) < 0.01, `${value}: ${seen}`);
  }
});

/** The stationary distribution of a transition matrix, by power iteration. */
function stationary(matrix: number[][]): number[] {
  let p = matrix.map(() => 1 / matrix.length);
  for (let step = 0; step < 10_000; step++) p = p.map((_, to) => p.reduce((sum, share, from) => sum + share * matrix[from]![to]!, 0));
  return p;
}

test('state machine: long-run occupancy of each state as the matrix\'s stationary distribution gives', () => {
  const spec = model.fields.find((field) => field.name === 'status')!.gen;
  assert.ok(spec.gen === 'states');
  const expected = stationary(spec.transitions);
  // Each device starts in `initial`: leave out its first 200 records (the chain's approach to equilibrium).
  const settled = records.filter((record) => (record['seq'] as number) >= 200);
  spec.states.forEach((state, i) => {
    const seen = settled.filter((record) => record['status'] === state).length / settled.length;
    assert.ok(Math.abs(seen - expected[i]!) < 0.01 && Math.abs(seen / expected[i]! - 1) < 0.25, `${state}: ${seen} against ${expected[i]}`);
  });
});

test('walk: within its bounds, rounded, and each step drawn from its step law', () => {
  const byDevice = new Map<number, number[]>();
  for (const record of records) {
    const level = record['level'] as number;
    assert.ok(level >= 0 && level <= 10, `level ${level}`);
    assert.is(Math.round(level * 10) / 10, level);
    const list = byDevice.get(record['id'] as number) ?? [];
    list.push(level);
    byDevice.set(record['id'] as number, list);
  }
  // Away from the bounds a step is N(0, 1): the steps' deviation (clamped ones left out) near 1.
  const steps: number[] = [];
  for (const levels of byDevice.values()) for (let i = 1; i < levels.length; i++) if (levels[i - 1]! > 3 && levels[i - 1]! < 7 && levels[i]! > 0 && levels[i]! < 10) steps.push(levels[i]! - levels[i - 1]!);
  assert.ok(steps.length > 10_000);
  assert.ok(Math.abs(meanOf(steps)) < 0.05, `step mean ${meanOf(steps)}`);
});

test('sequences: every device numbered 0, 1, 2, … with no gap', () => {
  const next = new Map<number, number>();
  for (const record of records) {
    const id = record['id'] as number;
    assert.is(record['seq'], next.get(id) ?? 0, `device ${id}`);
    next.set(id, (record['seq'] as number) + 1);
  }
  assert.is(next.size, kDevices);
});

test('daily curve: the base\'s mean times the hour\'s multiplier, hour by hour (UTC)', () => {
  for (let hour = 0; hour < 24; hour++) {
    const values = records.filter((record) => new Date(record['at'] as string).getUTCHours() === hour).map((record) => record['load'] as number);
    assert.ok(values.length > 8000);
    assert.ok(Math.abs(meanOf(values) / (hour + 1) - 1) < 0.03, `hour ${hour}: mean ${meanOf(values)}`);
  }
});

test.run();
