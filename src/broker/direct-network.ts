import { StampedeError } from '../errors.js';
import type { NodeAddress, NodeListeners, NodeNetwork } from './node-network.js';

/** Nodes reached where they listen: no layer in between, so delay and partition faults are refused. */
export function directNetwork(nodes: readonly NodeAddress[]): NodeNetwork {
  const byId = new Map(nodes.map((node) => [node.nodeId, node]));
  const refuse = (what: string): Promise<void> =>
    Promise.reject(new StampedeError('E_OPTION', `${what} needs the proxy network in front of the nodes (stampede cluster up --network proxy); this cluster runs with the direct network`));
  return {
    kind: 'direct',
    listenersFor(nodeId: number): NodeListeners {
      const node = byId.get(nodeId);
      if (node === undefined) throw new Error(`no node ${nodeId}`);
      const broker = { host: node.host, port: node.brokerPort };
      const controller = { host: node.host, port: node.controllerPort };
      return { brokerBind: broker, brokerAdvertised: broker, controllerBind: controller, controllerAdvertised: controller };
    },
    delay: () => refuse('delay-node'),
    partition: () => refuse('partition-node'),
    heal: () => Promise.resolve(),
    stop: () => Promise.resolve(),
  };
}
