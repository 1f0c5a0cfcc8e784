import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { ProxyNetwork } from './proxy-network.js';

/** What the control API takes: POST /delay, /delay-clients, /partition, /heal with a node, /stop; GET /state. */
export interface ControlRequest {
  nodeId?: number;
  roundTripDelayMs?: number;
}

async function readBody(request: IncomingMessage): Promise<ControlRequest> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text === '' ? {} : (JSON.parse(text) as ControlRequest);
}

async function handle(network: ProxyNetwork, path: string, body: ControlRequest, stop: () => void): Promise<unknown> {
  const nodeId = Number(body.nodeId);
  switch (path) {
    case '/state':
      return network.state();
    case '/delay':
      network.delay(nodeId, Number(body.roundTripDelayMs));
      return network.state();
    case '/delay-clients':
      network.delayClients(nodeId, Number(body.roundTripDelayMs));
      return network.state();
    case '/partition':
      await network.partition(nodeId);
      return network.state();
    case '/heal':
      await network.heal(nodeId);
      return network.state();
    case '/stop':
      stop();
      return { stopping: true };
    default:
      throw new Error(`no control path ${path}`);
  }
}

/** The proxies' control API, on 127.0.0.1 at a port the OS picks; JSON in and out. */
export function startControlServer(network: ProxyNetwork, stop: () => void): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://control').pathname;
    readBody(request)
      .then((body) => handle(network, path, body, stop))
      .then(
        (value) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value)),
        (err: unknown) => response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (err as Error).message })),
      );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    });
  });
}
