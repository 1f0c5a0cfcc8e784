import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, portIsFree } from '../../../src/broker/free-port.js';
import { proxyLiveness, startProxyNetwork } from '../../../src/netproxy/index.js';

const kNodeHost = '127.0.0.24';

async function portFreeOnBoth(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (await portIsFree(port, kNodeHost)) return port;
  }
}

test('a proxy process killed outright is noticed: up while it answers, then down naming its pid as gone', async () => {
  const controlFile = join(mkdtempSync(join(tmpdir(), 'stampede-liveness-')), 'network.json');
  const started = await startProxyNetwork([{ nodeId: 1, host: kNodeHost, brokerPort: await portFreeOnBoth(), controllerPort: await portFreeOnBoth() }], { controlFile, detached: true });
  try {
    assert.equal(await proxyLiveness(controlFile), { state: 'up', pid: started.pid });
  } finally {
    process.kill(started.pid, 'SIGKILL');
  }
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      process.kill(started.pid, 0);
      await sleep(20);
    } catch {
      break;
    }
  }
  assert.equal(await proxyLiveness(controlFile), { state: 'down', pid: started.pid, why: `the proxy process (pid ${started.pid}) is gone` });
});

test('no control file, or one that is not JSON: down, naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-liveness-'));
  const missing = await proxyLiveness(join(dir, 'network.json'));
  assert.is(missing.state, 'down');
  assert.match((missing as { why: string }).why, /no control file .*network\.json/);
  writeFileSync(join(dir, 'broken.json'), '{');
  assert.match((await proxyLiveness(join(dir, 'broken.json')) as { why: string }).why, /unreadable control file .*broken\.json/);
});

test.run();
