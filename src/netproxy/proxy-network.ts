import type { NodeAddress } from './types.js';
import { StampedeError } from '../errors.js';
import { proxiedListeners } from './listeners.js';
import { TcpProxy } from './tcp-proxy.js';

export interface NodeProxyState {
  nodeId: number;
  roundTripDelayMs: number;
  partitioned: boolean;
  openConnections: number;
}

/**
 * The proxies of every node (one per broker listener, one per controller listener) and the faults
 * on them. A delay of D ms holds each byte D/2 ms on its way to the node and D/2 ms on its way
 * back, so a request and its response take D ms longer: the round trip a client measures.
 */
export class ProxyNetwork {
  private readonly proxies = new Map<number, TcpProxy[]>();
  private readonly delays = new Map<number, number>();

  constructor(nodes: NodeAddress[]) {
    for (const node of nodes) {
      const listeners = proxiedListeners(node);
      this.proxies.set(node.nodeId, [new TcpProxy(listeners.brokerAdvertised, listeners.brokerBind), new TcpProxy(listeners.controllerAdvertised, listeners.controllerBind)]);
    }
  }

  async open(): Promise<void> {
    for (const proxies of this.proxies.values()) for (const proxy of proxies) await proxy.open();
  }

  delay(nodeId: number, roundTripDelayMs: number): void {
    if (!Number.isFinite(roundTripDelayMs) || roundTripDelayMs < 0) throw new StampedeError('E_OPTION', `network delay must be ≥ 0 ms (got ${roundTripDelayMs})`);
    this.delays.set(nodeId, roundTripDelayMs);
    for (const proxy of this.of(nodeId)) proxy.setDelay(roundTripDelayMs / 2);
  }

  async partition(nodeId: number): Promise<void> {
    for (const proxy of this.of(nodeId)) await proxy.cut();
  }

  async heal(nodeId: number): Promise<void> {
    this.delay(nodeId, 0);
    for (const proxy of this.of(nodeId)) await proxy.restore();
  }

  async close(): Promise<void> {
    for (const proxies of this.proxies.values()) for (const proxy of proxies) await proxy.close();
  }

  state(): NodeProxyState[] {
    return [...this.proxies].map(([nodeId, proxies]) => ({
      nodeId,
      roundTripDelayMs: this.delays.get(nodeId) ?? 0,
      partitioned: proxies.some((proxy) => proxy.isCut),
      openConnections: proxies.reduce((sum, proxy) => sum + proxy.openConnections, 0),
    }));
  }

  private of(nodeId: number): TcpProxy[] {
    const proxies = this.proxies.get(nodeId);
    if (proxies === undefined) throw new StampedeError('E_OPTION', `no node ${nodeId} behind the proxies (nodes: ${[...this.proxies.keys()].join(', ')})`);
    return proxies;
  }
}
