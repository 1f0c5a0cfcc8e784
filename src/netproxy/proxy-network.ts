import type { NodeAddress } from './types.js';
import { StampedeError } from '../errors.js';
import { proxiedListeners } from './listeners.js';
import { connectionsOpenedBy } from './socket-owner.js';
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
  private readonly partitioned = new Set<number>();
  private readonly nodes: NodeAddress[];

  constructor(nodes: NodeAddress[]) {
    this.nodes = nodes;
    for (const node of nodes) {
      const listeners = proxiedListeners(node);
      const proxies = [new TcpProxy(listeners.brokerAdvertised, listeners.brokerBind), new TcpProxy(listeners.controllerAdvertised, listeners.controllerBind)];
      for (const proxy of proxies) proxy.refuses = (remote) => this.partitioned.size > 0 && this.sourcesOfPartitioned().has(remote);
      this.proxies.set(node.nodeId, proxies);
    }
  }

  /** Remote addresses of connections the partitioned nodes opened to any proxy. */
  private sourcesOfPartitioned(): Set<string> {
    const proxyAddresses = new Set([...this.proxies.values()].flat().map((proxy) => proxy.address));
    const sources = new Set<string>();
    for (const node of this.nodes) {
      if (!this.partitioned.has(node.nodeId)) continue;
      for (const source of connectionsOpenedBy(proxiedListeners(node).brokerBind, proxyAddresses)) sources.add(source);
    }
    return sources;
  }

  async open(): Promise<void> {
    for (const proxies of this.proxies.values()) for (const proxy of proxies) await proxy.open();
  }

  delay(nodeId: number, roundTripDelayMs: number): void {
    if (!Number.isFinite(roundTripDelayMs) || roundTripDelayMs < 0) throw new StampedeError('E_OPTION', `network delay must be ≥ 0 ms (got ${roundTripDelayMs})`);
    this.delays.set(nodeId, roundTripDelayMs);
    for (const proxy of this.of(nodeId)) proxy.setDelay(roundTripDelayMs / 2);
  }

  /**
   * Cuts the node off both ways: its own listeners refuse everyone, and the connections it opened
   * to the other nodes (as a follower, a broker heartbeating its controller, a voter) are reset and
   * refused again until heal.
   */
  async partition(nodeId: number): Promise<void> {
    for (const proxy of this.of(nodeId)) await proxy.cut();
    this.partitioned.add(nodeId);
    const sources = this.sourcesOfPartitioned();
    for (const proxies of this.proxies.values()) for (const proxy of proxies) proxy.dropFrom(sources);
  }

  async heal(nodeId: number): Promise<void> {
    this.delay(nodeId, 0);
    this.partitioned.delete(nodeId);
    for (const proxy of this.of(nodeId)) await proxy.restore();
  }

  async close(): Promise<void> {
    for (const proxies of this.proxies.values()) for (const proxy of proxies) await proxy.close();
  }

  state(): NodeProxyState[] {
    return [...this.proxies].map(([nodeId, proxies]) => ({
      nodeId,
      roundTripDelayMs: this.delays.get(nodeId) ?? 0,
      partitioned: this.partitioned.has(nodeId),
      openConnections: proxies.reduce((sum, proxy) => sum + proxy.openConnections, 0),
    }));
  }

  private of(nodeId: number): TcpProxy[] {
    const proxies = this.proxies.get(nodeId);
    if (proxies === undefined) throw new StampedeError('E_OPTION', `no node ${nodeId} behind the proxies (nodes: ${[...this.proxies.keys()].join(', ')})`);
    return proxies;
  }
}
