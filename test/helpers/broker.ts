import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultDataDir, startLocalBroker, stopLocalBroker } from '../../src/broker/local.js';
import { freePort, freePortPair } from '../../src/broker/free-port.js';

export { freePort, freePortPair };

export interface TestBroker {
  bootstrap: string;
  /** the broker JVM's pid as started: for fault tests that pause it (SIGSTOP/SIGCONT) — this broker only; stop() ends the one in its pid file (a restart's) */
  pid: number;
  stop(): Promise<void>;
}

/**
 * A real single-node Kafka broker on free loopback ports, in a temp folder removed on stop; or, with
 * `asBrokerUp`, in the folder `stampede broker up` would use for its port (so `run --fault` finds it).
 */
export async function startTestBroker(options: { asBrokerUp?: boolean } = {}): Promise<TestBroker> {
  const port = await freePort();
  const controllerPort = await freePort();
  const dataDir = options.asBrokerUp ? defaultDataDir(port) : mkdtempSync(join(tmpdir(), 'stampede-broker-'));
  let pid: number;
  try {
    ({ pid } = await startLocalBroker({ port, controllerPort, dataDir, heapMb: 512, startTimeoutMs: 120_000 }));
  } catch (err) {
    // uvu reports a failed before-hook without its error: say it here.
    console.error(`test broker on 127.0.0.1:${port} (data in ${dataDir}) did not start: ${(err as Error).message}`);
    throw err;
  }
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // A paused broker would ignore SIGTERM until continued.
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // already gone
    }
    await stopLocalBroker({ port, dataDir, removeData: true });
  };
  // If the suite dies, the broker must not outlive it.
  process.once('exit', () => {
    if (!stopped) void stopLocalBroker({ port, dataDir });
  });
  return { bootstrap: `127.0.0.1:${port}`, pid, stop };
}
