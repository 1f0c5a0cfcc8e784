/**
 * How the nodes of a local cluster are reached (src/broker/node-network.ts re-exports these for the
 * cluster). They live here, in the lower layer, so that the proxies implement the very interface the
 * cluster calls and the two cannot drift apart.
 */
export interface NodeEndpoint {
  host: string;
  port: number;
}

export interface NodeListeners {
  brokerBind: NodeEndpoint;
  brokerAdvertised: NodeEndpoint;
  controllerBind: NodeEndpoint;
  controllerAdvertised: NodeEndpoint;
}

export interface NodeNetwork {
  /** "direct" or the mechanism's name, for status lines and results */
  readonly kind: string;
  listenersFor(nodeId: number): NodeListeners;
  /** adds delayMs to every round trip to and from the node (half each way), on client and peer connections alike */
  delay(nodeId: number, delayMs: number): Promise<void>;
  /** cuts the node off from clients and peers: open connections dropped, new ones refused */
  partition(nodeId: number): Promise<void>;
  /** undoes delay and partition on that node */
  heal(nodeId: number): Promise<void>;
  stop(): Promise<void>;
}

export interface NodeAddress {
  nodeId: number;
  /** a loopback address of the node's own, e.g. 127.0.0.11 */
  host: string;
  brokerPort: number;
  controllerPort: number;
}
