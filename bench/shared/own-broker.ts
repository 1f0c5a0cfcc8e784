import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalBroker, stopLocalBroker } from '../../src/broker/local.js';
import { freePort } from '../../src/broker/free-port.js';

export interface OwnBroker {
  port: number;
  bootstrap: string;
  pid: number;
  /** Stops the broker and removes its data (a benchmark's topics are of no use afterwards). */
  stop(): Promise<void>;
}

/**
 * A one-node broker for one benchmark invocation, on free ports with a data folder of its own, so
 * its figures are not shared with the test broker or a user's `broker up`. A 1 GiB heap: the
 * benchmarks write hundreds of MB per run and the default heap would spend its time collecting.
 */
export async function startOwnBroker(benchName: string, properties?: Record<string, string>): Promise<OwnBroker> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), `stampede-${benchName}-broker-`));
  console.log(`${benchName}: starting a broker of its own on 127.0.0.1:${port}…`);
  const broker = await startLocalBroker({ port, controllerPort: await freePort(), dataDir, heapMb: 1024, startTimeoutMs: 120_000, ...(properties ? { extras: { properties } } : {}) });
  const stop = async (): Promise<void> => {
    await stopLocalBroker({ port, dataDir, removeData: true });
  };
  return { port, bootstrap: `127.0.0.1:${port}`, pid: broker.pid, stop };
}
