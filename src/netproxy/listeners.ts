import { StampedeError } from '../errors.js';
import type { NodeAddress, NodeListeners } from './types.js';

/** Where clients and peers reach every node: the proxies listen here, on the node's own ports. */
export const kAdvertisedHost = '127.0.0.1';

/**
 * A node binds on its own loopback address and its real ports; its proxy listens on 127.0.0.1 at
 * the same ports, so the bootstrap a user sees (127.0.0.1:<broker port>) is the one they asked for.
 */
export function proxiedListeners(node: NodeAddress): NodeListeners {
  return {
    brokerBind: { host: node.host, port: node.brokerPort },
    brokerAdvertised: { host: kAdvertisedHost, port: node.brokerPort },
    controllerBind: { host: node.host, port: node.controllerPort },
    controllerAdvertised: { host: kAdvertisedHost, port: node.controllerPort },
  };
}

/** Each node needs a loopback address of its own, not the proxies' one, and distinct ports. */
export function checkNodeAddresses(nodes: NodeAddress[]): void {
  const hosts = new Set<string>();
  const ports = new Set<number>();
  const ids = new Set<number>();
  for (const node of nodes) {
    if (ids.has(node.nodeId)) throw new StampedeError('E_OPTION', `node ${node.nodeId} is given twice`);
    ids.add(node.nodeId);
    if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(node.host) || node.host === kAdvertisedHost) {
      throw new StampedeError('E_OPTION', `node ${node.nodeId}: host ${node.host} must be a loopback address other than ${kAdvertisedHost} (the proxies listen there)`);
    }
    if (hosts.has(node.host)) throw new StampedeError('E_OPTION', `node ${node.nodeId}: host ${node.host} is another node's too`);
    hosts.add(node.host);
    for (const port of [node.brokerPort, node.controllerPort]) {
      if (ports.has(port)) throw new StampedeError('E_OPTION', `node ${node.nodeId}: port ${port} is used twice`);
      ports.add(port);
    }
  }
}
