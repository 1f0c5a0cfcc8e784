import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalBroker } from '../../../src/broker/local.js';
import { isUserFacing } from '../../../src/errors.js';

test('a port whose controller port (the next one) is past 65535 is refused before anything starts', async () => {
  const root = mkdtempSync(join(tmpdir(), 'stampede-ports-'));
  const dataDir = join(root, 'broker');
  try {
    const outcome = await startLocalBroker({ port: 65535, dataDir, startTimeoutMs: 5_000 }).then(
      () => assert.unreachable('started a broker on 65535'),
      (err: unknown) => err,
    );
    assert.ok(isUserFacing(outcome), String(outcome));
    assert.is((outcome as { exitCode: number }).exitCode, 2);
    assert.match((outcome as Error).message, /^--port 65535: the local broker's controller listens on the next port, and 65536 is past 65535; pick a port up to 65534$/);
    assert.not.ok(existsSync(dataDir), 'no data folder made');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
