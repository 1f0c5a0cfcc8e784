import { writeFileSync } from 'node:fs';
import type { NodeAddress } from './types.js';
import { startControlServer } from './control-server.js';
import { ProxyNetwork } from './proxy-network.js';

/**
 * The proxy process: its own process so that forwarding bytes takes no time from the load
 * generator's threads, and so that it outlives `cluster up` when started detached. Argument: the
 * JSON of DaemonConfig. Prints `ready <control port>` once every proxy listens.
 */
export interface DaemonConfig {
  nodes: NodeAddress[];
  /** where to write { pid, controlPort, nodes } for later processes that attach */
  controlFile?: string;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as DaemonConfig;
  const network = new ProxyNetwork(config.nodes);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void network.close().finally(() => process.exit(0));
  };
  await network.open();
  const { port } = await startControlServer(network, stop);
  if (config.controlFile !== undefined) writeFileSync(config.controlFile, `${JSON.stringify({ pid: process.pid, controlPort: port, nodes: config.nodes })}\n`);
  // Started with an IPC channel (not detached): the proxies end with the process that started them.
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(`ready ${port}\n`);
}

main().catch((err: unknown) => {
  process.stdout.write(`failed ${(err as Error).message}\n`);
  process.exit(1);
});
