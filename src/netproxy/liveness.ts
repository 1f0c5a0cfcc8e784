import { existsSync, readFileSync } from 'node:fs';
import { attachProxyNetwork } from './client.js';

/** Whether the proxy process of a control file is there and answers; `why` says what is wrong when not. */
export type ProxyLiveness = { state: 'up'; pid: number } | { state: 'down'; pid: number | null; why: string };

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: a process of another user holds the pid: it exists, but it is not ours
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The proxies in front of a cluster's nodes are a process of their own; if it died (killed, OOM),
 * clients and the nodes' own connections to each other find nothing on the advertised ports while
 * every node still runs. This says so, from the control file and one request to the control API.
 */
export async function proxyLiveness(controlFile: string): Promise<ProxyLiveness> {
  if (!existsSync(controlFile)) return { state: 'down', pid: null, why: `no control file ${controlFile}` };
  let pid: number | null = null;
  try {
    pid = (JSON.parse(readFileSync(controlFile, 'utf8')) as { pid: number }).pid;
  } catch (err) {
    return { state: 'down', pid: null, why: `unreadable control file ${controlFile}: ${(err as Error).message}` };
  }
  if (!processExists(pid)) return { state: 'down', pid, why: `the proxy process (pid ${pid}) is gone` };
  try {
    await attachProxyNetwork(controlFile).state();
    return { state: 'up', pid };
  } catch {
    return { state: 'down', pid, why: `the proxy process (pid ${pid}) does not answer its control port` };
  }
}
