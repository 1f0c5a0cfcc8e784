import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultDataDir, startLocalBroker, stopLocalBroker } from '../../src/broker/local.js';
import { freePort, freePortPair } from '../../src/broker/free-port.js';

export { freePort, freePortPair };

export interface TestBroker {
  bootstrap: string;
  /** the broker JVM's pid as started: for tests that pause it (SIGSTOP/SIGCONT) and continue it before they end */
  pid: number;
  /** ends a private broker; for the shared one a no-op (it ends with the test process) */
  stop(): Promise<void>;
}

/**
 * The broker of a test file. By default one broker shared by every file of the test process
 * (uvu runs a group's files in one process, one after another): starting and stopping a JVM per file
 * cost about ten seconds a file. Files on the shared broker use topic names of their own and leave the
 * broker running and continued. `private` starts a broker of the file's own, for tests that kill or
 * restart it; `asBrokerUp` is private too, in the folder `stampede broker up` would use for its port
 * (so `run --fault` finds it).
 */
export async function startTestBroker(options: { asBrokerUp?: boolean; private?: boolean } = {}): Promise<TestBroker> {
  if (options.asBrokerUp || options.private) return startPrivateBroker(options.asBrokerUp === true);
  sharedBroker ??= startSharedBroker();
  return sharedBroker;
}

let sharedBroker: Promise<TestBroker> | undefined;

async function startSharedBroker(): Promise<TestBroker> {
  const broker = await startPrivateBroker(false);
  return { bootstrap: broker.bootstrap, pid: broker.pid, stop: async () => {} };
}

async function startPrivateBroker(asBrokerUp: boolean): Promise<TestBroker> {
  // The controller listens on the next port: a pair keeps a taken neighbour from failing the start.
  const port = await freePortPair();
  const controllerPort = port + 1;
  const dataDir = asBrokerUp ? defaultDataDir(port) : mkdtempSync(join(tmpdir(), 'stampede-broker-'));
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
  // The broker must not outlive the test process; an exit handler cannot wait, so it kills outright
  // (pid as started, or a restart's from the pid file) and removes a temp folder at once.
  process.once('exit', () => {
    if (stopped) return;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone, or restarted under another pid, which the pid file names
    }
    void stopLocalBroker({ port, dataDir });
    if (!asBrokerUp) rmSync(dataDir, { recursive: true, force: true });
  });
  return { bootstrap: `127.0.0.1:${port}`, pid, stop };
}
