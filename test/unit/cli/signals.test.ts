import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { onStopSignals, type StopSignal } from '../../../src/cli/signals.js';

/** What the handlers saw, in order, with exit faked: a real exit would end the test runner. */
function watch(restoreFails = false): { seen: string[]; off: () => void } {
  const seen: string[] = [];
  const off = onStopSignals(
    {
      stop: (signal: StopSignal) => seen.push(`stop ${signal}`),
      restore: () => {
        seen.push('restore');
        if (restoreFails) throw new Error('the broker could not be restarted');
      },
    },
    (code) => seen.push(`exit ${code}`),
  );
  return { seen, off };
}

test('SIGTERM stops a run as Ctrl-C does; a second signal of either kind restores, then exits 130', () => {
  for (const [first, second] of [['SIGTERM', 'SIGTERM'], ['SIGINT', 'SIGTERM'], ['SIGTERM', 'SIGINT']] as const) {
    const { seen, off } = watch();
    try {
      process.emit(first, first);
      assert.equal(seen, [`stop ${first}`]);
      process.emit(second, second);
      assert.equal(seen, [`stop ${first}`, 'restore', 'exit 130']);
    } finally {
      off();
    }
  }
});

test('a restore that fails still exits: the user asked twice', () => {
  const { seen, off } = watch(true);
  const errors: string[] = [];
  const consoleError = console.error;
  console.error = (line: string) => errors.push(line);
  try {
    process.emit('SIGINT', 'SIGINT');
    process.emit('SIGINT', 'SIGINT');
  } finally {
    console.error = consoleError;
    off();
  }
  assert.equal(seen, ['stop SIGINT', 'restore', 'exit 130']);
  assert.equal(errors, ['stampede: the broker could not be restarted']);
});

test('a restore that is a promise (a heal sent to the proxies) is waited for before the exit; a third signal exits at once', async () => {
  const seen: string[] = [];
  let settle: () => void = () => undefined;
  const off = onStopSignals(
    { stop: () => seen.push('stop'), restore: () => new Promise<void>((resolve) => (settle = () => (seen.push('healed'), resolve()))) },
    (code) => seen.push(`exit ${code}`),
  );
  try {
    process.emit('SIGINT', 'SIGINT');
    process.emit('SIGINT', 'SIGINT');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(seen, ['stop'], 'no exit while the heal is outstanding');
    settle();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(seen, ['stop', 'healed', 'exit 130']);
  } finally {
    off();
  }
  const impatient: string[] = [];
  const offImpatient = onStopSignals({ stop: () => undefined, restore: () => new Promise<void>(() => undefined) }, (code) => impatient.push(`exit ${code}`), 100);
  try {
    process.emit('SIGINT', 'SIGINT');
    process.emit('SIGINT', 'SIGINT');
    assert.equal(impatient, []);
    process.emit('SIGTERM', 'SIGTERM');
    assert.equal(impatient, ['exit 130'], 'the third signal does not wait');
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(impatient, ['exit 130', 'exit 130'], 'nor does a restore that never settles hold the exit past its bound');
  } finally {
    offImpatient();
  }
});

test('once removed, the handlers are gone', () => {
  const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
  const { off } = watch();
  assert.equal([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')], [before[0]! + 1, before[1]! + 1]);
  off();
  assert.equal([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')], before);
});

test.run();
