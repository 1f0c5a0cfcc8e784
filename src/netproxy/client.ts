import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { devNull } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { NodeAddress, NodeListeners, NodeNetwork } from './types.js';
import { StampedeError } from '../errors.js';
import type { ControlRequest } from './control-server.js';
import type { DaemonConfig } from './daemon.js';
import { checkNodeAddresses, proxiedListeners } from './listeners.js';
import type { NodeProxyState } from './proxy-network.js';

const daemonFile = fileURLToPath(new URL('./daemon.js', import.meta.url));

/** The longest one request to the proxies' control API may take. */
const kControlTimeoutMs = 4000;

export interface ProxyNetworkOptions {
  /** Written once the proxies listen ({ pid, controlPort, nodes }), for attachProxyNetwork from a later process. */
  controlFile?: string;
  /** The proxy process outlives this one (cluster up); otherwise it ends when this process does. */
  detached?: boolean;
  startTimeoutMs?: number;
}

export interface ProxiedNodeNetwork extends NodeNetwork {
  readonly pid: number;
  /** Like delay, on the node's client path only: not on connections other nodes opened to it (replica fetches, votes), nor on its own. */
  delayClients(nodeId: number, roundTripDelayMs: number): Promise<void>;
  state(): Promise<NodeProxyState[]>;
}

/**
 * Starts a proxy process in front of every node's broker and controller listener (Linux: a
 * partition finds the node's own connections through /proc). delay(node, D) makes every
 * request/response round trip to or from that node D ms longer (D/2 each way), on client and peer
 * connections alike; delayClients(node, D) on clients' connections to it only; partition(node)
 * resets and refuses every connection to it and every one it opened to the other nodes; heal(node)
 * ends all three.
 */
export async function startProxyNetwork(nodes: NodeAddress[], options: ProxyNetworkOptions = {}): Promise<ProxiedNodeNetwork> {
  checkNodeAddresses(nodes);
  const config: DaemonConfig = { nodes, ...(options.controlFile === undefined ? {} : { controlFile: options.controlFile }) };
  const detached = options.detached ?? false;
  // Detached, it outlives this process: its stderr goes to a file beside the control file, not to
  // ours (an inherited pipe would keep whoever reads this process's output waiting for its end).
  const errors = detached ? openSync(options.controlFile === undefined ? devNull : `${options.controlFile.replace(/\.json$/, '')}.log`, 'a') : 'inherit';
  const child = spawn(process.execPath, [daemonFile, JSON.stringify(config)], {
    detached,
    stdio: detached ? ['ignore', 'pipe', errors] : ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  if (typeof errors === 'number') closeSync(errors);
  const controlPort = await readyPort(child.stdout!, options.startTimeoutMs ?? 10_000, () => child.exitCode);
  child.stdout!.destroy();
  if (detached) child.unref();
  else {
    // The IPC channel only tells the proxies when this process ends; it must not keep it alive.
    child.unref();
    child.channel?.unref();
  }
  return remoteNetwork(nodes, child.pid!, controlPort);
}

/** The proxies another process started, from the control file it wrote. */
export function attachProxyNetwork(controlFile: string): ProxiedNodeNetwork {
  let saved: { pid: number; controlPort: number; nodes: NodeAddress[] };
  try {
    saved = JSON.parse(readFileSync(controlFile, 'utf8')) as typeof saved;
  } catch (err) {
    throw new StampedeError('E_OPTION', `cannot read the network proxies' control file ${controlFile}: ${(err as Error).message}`);
  }
  return remoteNetwork(saved.nodes, saved.pid, saved.controlPort);
}

function readyPort(stdout: NodeJS.ReadableStream, timeoutMs: number, exitCode: () => number | null): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new StampedeError('E_OPTION', `the network proxies did not start within ${timeoutMs} ms`)), timeoutMs);
    stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const line = /^(ready \d+|failed .*)$/m.exec(text)?.[1];
      if (line === undefined) return;
      clearTimeout(timer);
      if (line.startsWith('ready ')) resolve(Number(line.slice(6)));
      else reject(new StampedeError('E_OPTION', `the network proxies could not start: ${line.slice(7)}`));
    });
    stdout.on('end', () => {
      clearTimeout(timer);
      reject(new StampedeError('E_OPTION', `the network proxies exited while starting (exit code ${exitCode()})`));
    });
  });
}

function remoteNetwork(nodes: NodeAddress[], pid: number, controlPort: number): ProxiedNodeNetwork {
  const byId = new Map(nodes.map((node) => [node.nodeId, node]));
  const call = async (path: string, body: ControlRequest = {}): Promise<unknown> => {
    let response: Response;
    try {
      // Bounded: a proxy process that is stopped (SIGSTOP) or wedged must not hang a heal at a run's end.
      response = await fetch(`http://127.0.0.1:${controlPort}${path}`, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(kControlTimeoutMs) });
    } catch (err) {
      throw new StampedeError('E_OPTION', `the network proxies (pid ${pid}) do not answer on 127.0.0.1:${controlPort}: ${(err as Error).message}`);
    }
    const value = (await response.json()) as { error?: string };
    if (!response.ok) throw new StampedeError('E_OPTION', `network proxies: ${value.error ?? response.status}`);
    return value;
  };
  return {
    kind: 'proxy',
    pid,
    listenersFor(nodeId: number): NodeListeners {
      const node = byId.get(nodeId);
      if (node === undefined) throw new StampedeError('E_OPTION', `no node ${nodeId} behind the proxies`);
      return proxiedListeners(node);
    },
    delay: async (nodeId, roundTripDelayMs) => void (await call('/delay', { nodeId, roundTripDelayMs })),
    delayClients: async (nodeId, roundTripDelayMs) => void (await call('/delay-clients', { nodeId, roundTripDelayMs })),
    partition: async (nodeId) => void (await call('/partition', { nodeId })),
    heal: async (nodeId) => void (await call('/heal', { nodeId })),
    state: async () => (await call('/state')) as NodeProxyState[],
    stop: async () => {
      await call('/stop').catch(() => undefined);
      await waitForExit(pid, 5000);
    },
  };
}

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  process.kill(pid, 'SIGKILL');
}
