/**
 * The shapes of src/broker/node-network.ts, which the local cluster uses: written again here
 * because the proxies sit below the broker layer (the cluster imports them, not the other way).
 * TypeScript compares them by shape; test/unit/netproxy/proxy.test.ts stops compiling if
 * the two drift apart.
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
  readonly kind: string;
  listenersFor(nodeId: number): NodeListeners;
  delay(nodeId: number, delayMs: number): Promise<void>;
  partition(nodeId: number): Promise<void>;
  heal(nodeId: number): Promise<void>;
  stop(): Promise<void>;
}

export interface NodeAddress {
  nodeId: number;
  host: string;
  brokerPort: number;
  controllerPort: number;
}
