import { StampedeError } from '../errors.js';
import { proxiedListeners } from './listeners.js';
import { connectionsOpenedBy } from './socket-owner.js';
import { TcpProxy, type Admission } from './tcp-proxy.js';
import type { NodeAddress } from './types.js';

export interface NodeProxyState {
  nodeId: number;
  roundTripDelayMs: number;
  clientRoundTripDelayMs: number;
  partitioned: boolean;
  openConnections: number;
}

/**
 * The proxies of every node (one per broker listener, one per controller listener) and the faults
 * on them. A fault on a node acts on its listeners (clients' and peers' connections to it) and on
 * the connections the node itself opened to the other nodes' listeners (found by the process at
 * their other end), so the node's whole network is slow or cut, as a bad link would make it.
 *
 * A delay of D ms holds each byte D/2 ms on its way to the node and D/2 ms on its way back, so a
 * request and its response take D ms longer: the round trip a client measures.
 */
export class ProxyNetwork {
  private readonly proxies = new Map<number, TcpProxy[]>();
  private readonly roundTripDelays = new Map<number, number>();
  private readonly clientRoundTripDelays = new Map<number, number>();
  private readonly partitioned = new Set<number>();

  constructor(private readonly nodes: NodeAddress[]) {
    for (const node of nodes) {
      const listeners = proxiedListeners(node);
      const proxies = [new TcpProxy(listeners.brokerAdvertised, listeners.brokerBind), new TcpProxy(listeners.controllerAdvertised, listeners.controllerBind)];
      for (const proxy of proxies) proxy.admit = (remote) => this.admit(node.nodeId, remote);
      this.proxies.set(node.nodeId, proxies);
    }
  }

  async open(): Promise<void> {
    for (const proxy of this.all()) await proxy.open();
  }

  delay(nodeId: number, roundTripDelayMs: number): void {
    checkDelay(roundTripDelayMs);
    const own = this.of(nodeId);
    this.roundTripDelays.set(nodeId, roundTripDelayMs);
    for (const proxy of own) proxy.setDelay(roundTripDelayMs / 2);
    const opened = this.openedBy(nodeId);
    for (const proxy of this.all()) if (!own.includes(proxy)) proxy.setSourceDelay(opened, roundTripDelayMs / 2);
  }

  /**
   * A delay on the node's client path only: connections clients opened to its listeners, not those
   * of other nodes (replica fetches, votes) nor the node's own. A produce→ack round trip to a
   * leader then grows by D whatever the acks setting, where delay() also slows its followers' fetches.
   */
  delayClients(nodeId: number, roundTripDelayMs: number): void {
    checkDelay(roundTripDelayMs);
    const own = this.of(nodeId);
    this.clientRoundTripDelays.set(nodeId, roundTripDelayMs);
    const peers = this.openedByAnyNode();
    for (const proxy of own) proxy.setClientDelay(roundTripDelayMs / 2, peers);
  }

  /** Cuts the node off both ways: its listeners refuse everyone, and what it opened to others is reset and refused. */
  async partition(nodeId: number): Promise<void> {
    for (const proxy of this.of(nodeId)) await proxy.cut();
    this.partitioned.add(nodeId);
    const opened = this.openedBy(nodeId);
    for (const proxy of this.all()) proxy.dropFrom(opened);
  }

  async heal(nodeId: number): Promise<void> {
    this.delay(nodeId, 0);
    this.delayClients(nodeId, 0);
    this.partitioned.delete(nodeId);
    for (const proxy of this.of(nodeId)) await proxy.restore();
  }

  async close(): Promise<void> {
    for (const proxy of this.all()) await proxy.close();
  }

  state(): NodeProxyState[] {
    return [...this.proxies].map(([nodeId, proxies]) => ({
      nodeId,
      roundTripDelayMs: this.roundTripDelays.get(nodeId) ?? 0,
      clientRoundTripDelayMs: this.clientRoundTripDelays.get(nodeId) ?? 0,
      partitioned: this.partitioned.has(nodeId),
      openConnections: proxies.reduce((sum, proxy) => sum + proxy.openConnections, 0),
    }));
  }

  /** A new connection to `toNodeId`'s listener: refused if a partitioned node opened it, held longer if a delayed one did. */
  private admit(toNodeId: number, remote: string): Admission {
    const faulted = this.nodes.filter((node) => this.partitioned.has(node.nodeId) || (this.roundTripDelays.get(node.nodeId) ?? 0) > 0);
    // Whether a node opened it matters only when a fault depends on it: the lookup reads /proc.
    if (faulted.length === 0 && (this.clientRoundTripDelays.get(toNodeId) ?? 0) === 0) return { sourceDelayMs: 0, fromPeer: false };
    let sourceDelayMs = 0;
    let fromPeer = false;
    for (const node of this.nodes) {
      if (node.nodeId === toNodeId || !this.openedBy(node.nodeId).has(remote)) continue;
      fromPeer = true;
      if (this.partitioned.has(node.nodeId)) return 'refuse';
      sourceDelayMs += (this.roundTripDelays.get(node.nodeId) ?? 0) / 2;
    }
    return { sourceDelayMs, fromPeer };
  }

  private openedByAnyNode(): Set<string> {
    return new Set(this.nodes.flatMap((node) => [...this.openedBy(node.nodeId)]));
  }

  /** Remote addresses of the connections the node's process opened to any proxy. */
  private openedBy(nodeId: number): Set<string> {
    const node = this.nodes.find((candidate) => candidate.nodeId === nodeId)!;
    return connectionsOpenedBy(proxiedListeners(node).brokerBind, new Set(this.all().map((proxy) => proxy.address)));
  }

  private all(): TcpProxy[] {
    return [...this.proxies.values()].flat();
  }

  private of(nodeId: number): TcpProxy[] {
    const proxies = this.proxies.get(nodeId);
    if (proxies === undefined) throw new StampedeError('E_OPTION', `no node ${nodeId} behind the proxies (nodes: ${[...this.proxies.keys()].join(', ')})`);
    return proxies;
  }
}

function checkDelay(roundTripDelayMs: number): void {
  if (!Number.isFinite(roundTripDelayMs) || roundTripDelayMs < 0) throw new StampedeError('E_OPTION', `network delay must be ≥ 0 ms (got ${roundTripDelayMs})`);
}
