import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Outputs, type Output } from '../../../src/report/outputs/output.js';
import { fakeRunResult } from '../../helpers/fake-result.js';

test('every event reaches every output that takes it, stop in the order given, close even where stop is absent', async () => {
  const seen: string[] = [];
  const first: Output = { notice: (text) => seen.push(`first notice ${text}`), stop: () => void seen.push('first stop'), close: async () => void seen.push('first close') };
  const second: Output = { fault: (text) => seen.push(`second fault ${text}`), start: ({ workers }) => seen.push(`second start ${workers}`), stop: async () => void seen.push('second stop') };
  const third: Output = { close: async () => void seen.push('third close') };
  const outputs = new Outputs([first, second, third]);
  const hooks = outputs.runHooks();
  hooks.onNotice!('hello');
  hooks.onFault!('broker killed');
  hooks.onStart!({ workers: 3, topic: null });
  await outputs.stop(fakeRunResult());
  await outputs.close();
  assert.equal(seen, ['first notice hello', 'second fault broker killed', 'second start 3', 'first stop', 'second stop', 'first close', 'third close']);
});

test('host events are wired only when some output takes them: a run without them asks its hosts for nothing extra', () => {
  const plain = new Outputs([{ notice: () => undefined }]).runHooks();
  assert.is(plain.onHostsConnected, undefined);
  assert.is(plain.onHostIntervals, undefined);
  const lines: string[] = [];
  const verbose = new Outputs([{ hostIntervals: (hosts) => hosts.forEach((line) => lines.push(line.host)) }]).runHooks();
  assert.type(verbose.onHostIntervals, 'function');
  verbose.onHostIntervals!([{ host: 'loadgen-1', status: 'running', recordsPerSec: 1, p99Us: 1, totalAcked: 1 }]);
  assert.equal(lines, ['loadgen-1']);
});

test.run();
