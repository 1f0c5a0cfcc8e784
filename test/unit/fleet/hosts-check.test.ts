import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hostCheckCells } from '../../../src/cli/hosts-command.js';
import type { HostCheck } from '../../../src/fleet/check.js';
import type { Hello } from '../../../src/fleet/protocol.js';
import { hostFacts } from '../../../src/runtime.js';

const row = (hello: Partial<Hello> | null): HostCheck => ({ host: 'loadgen-1', ok: false, hello: hello as Hello | null, clock: null, brokers: '—', problems: ['runs stampede 0.0.1'] });

test('hosts check: a hello from another version without runtime or facts is a row with dashes, not a crash', () => {
  // What an agent of another version may send: only what every version's hello has.
  const cells = hostCheckCells(row({ type: 'hello', protocol: 0, version: '0.0.1', pid: 4242 }));
  assert.equal(cells, ['loadgen-1', '✓', '0.0.1', '? (≠ here)', '—', '—', '—', '—', '—']);
});

test('hosts check: a full hello fills every column; no hello, only the host', () => {
  const facts = { ...hostFacts(), cpus: 8, memoryBytes: 16 * 2 ** 30 };
  const full = hostCheckCells(row({ type: 'hello', protocol: 1, version: '0.1.0', runtime: { name: 'node', version: '22.1.0' }, facts, pid: 1, platformArch: 'linux-x64' }));
  assert.equal(full.slice(4, 7), ['node 22.1.0', '8', '16.0 GiB']);
  assert.equal(hostCheckCells(row(null)), ['loadgen-1', '✗', '—', '—', '—', '—', '—', '—', '—']);
});

test.run();
