import { connect, createServer, type Server, type Socket } from 'node:net';
import type { NodeEndpoint } from './types.js';
import { DelayedPipe } from './delayed-pipe.js';

interface ProxiedConnection {
  client: Socket;
  /** "127.0.0.1:41234": the client's end, by which its process is found */
  remote: string;
  upstream: Socket;
  toUpstream: DelayedPipe;
  toClient: DelayedPipe;
  /** one-way delay of the process that opened it (a delayed node's own connections), on top of this listener's */
  sourceDelayMs: number;
  /** opened by another node (a follower, a voter), not by a client */
  fromPeer: boolean;
}

/** What happens to a new connection, by the process that opened it: refused, or let in (held longer if its source is delayed). */
export type Admission = 'refuse' | { sourceDelayMs: number; fromPeer: boolean };

/**
 * A TCP proxy in front of one listener: accepts on `listen`, opens a connection to `target` per
 * client, and copies bytes both ways, each way held the listener's one-way delay plus the
 * connection's source delay. Cut, it closes its listening socket (new connections are refused)
 * and resets every open connection; restored, it listens on the same address again.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly connections = new Set<ProxiedConnection>();
  private oneWayDelayMs = 0;
  private clientOneWayDelayMs = 0;

  /** Decides on each new connection by its remote address; by default every one is a client's, let through undelayed. */
  admit: (remote: string) => Admission = () => ({ sourceDelayMs: 0, fromPeer: false });

  constructor(
    readonly listen: NodeEndpoint,
    readonly target: NodeEndpoint,
  ) {}

  get address(): string {
    return `${this.listen.host}:${this.listen.port}`;
  }

  get isCut(): boolean {
    return this.server === undefined;
  }

  get openConnections(): number {
    return this.connections.size;
  }

  async open(): Promise<void> {
    if (this.server !== undefined) return;
    const server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listen.port, this.listen.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
  }

  setDelay(oneWayDelayMs: number): void {
    this.oneWayDelayMs = oneWayDelayMs;
    for (const connection of this.connections) this.applyDelay(connection);
  }

  /** A delay on clients' connections only, not on other nodes' (peers are those from these remote addresses). */
  setClientDelay(oneWayDelayMs: number, peers: Set<string>): void {
    this.clientOneWayDelayMs = oneWayDelayMs;
    for (const connection of this.connections) {
      connection.fromPeer = peers.has(connection.remote);
      this.applyDelay(connection);
    }
  }

  /** Sets the source delay of the open connections from these remote addresses. */
  setSourceDelay(remotes: Set<string>, oneWayDelayMs: number): void {
    for (const connection of this.connections) {
      if (!remotes.has(connection.remote)) continue;
      connection.sourceDelayMs = oneWayDelayMs;
      this.applyDelay(connection);
    }
  }

  /** Resets the open connections from these remote addresses. */
  dropFrom(remotes: Set<string>): void {
    for (const connection of [...this.connections]) if (remotes.has(connection.remote)) this.drop(connection, true);
  }

  /** Refuses new connections and resets the open ones. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const connection of [...this.connections]) this.drop(connection, true);
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async restore(): Promise<void> {
    await this.open();
  }

  async close(): Promise<void> {
    await this.cut();
  }

  private applyDelay(connection: ProxiedConnection): void {
    const delayMs = this.oneWayDelayMs + connection.sourceDelayMs + (connection.fromPeer ? 0 : this.clientOneWayDelayMs);
    connection.toUpstream.delayMs = delayMs;
    connection.toClient.delayMs = delayMs;
  }

  private accept(client: Socket): void {
    const remote = `${client.remoteAddress}:${client.remotePort}`;
    const admission = this.admit(remote);
    if (admission === 'refuse') {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect({ host: this.target.host, port: this.target.port, allowHalfOpen: true, noDelay: true });
    const connection: ProxiedConnection = {
      client,
      remote,
      upstream,
      toUpstream: new DelayedPipe(client, upstream),
      toClient: new DelayedPipe(upstream, client),
      sourceDelayMs: admission.sourceDelayMs,
      fromPeer: admission.fromPeer,
    };
    this.applyDelay(connection);
    this.connections.add(connection);
    // A node that is down (killed, not yet restarted) refuses the proxy: the client's connection
    // closes right after it was accepted, which Kafka clients treat like a refused one.
    const drop = (): void => this.drop(connection, false);
    client.on('error', drop).on('close', () => this.closed(connection, connection.toUpstream, upstream));
    upstream.on('error', drop).on('close', () => this.closed(connection, connection.toClient, client));
  }

  /** One side closed cleanly: the other gets what is still held for it, then its end. */
  private closed(connection: ProxiedConnection, toOther: DelayedPipe, other: Socket): void {
    if (connection.client.destroyed && connection.upstream.destroyed) this.connections.delete(connection);
    else if (!toOther.holding) other.end();
  }

  /** One side closed or failed: the other goes too. A cut resets both, as a dead link would. */
  private drop(connection: ProxiedConnection, reset: boolean): void {
    if (!this.connections.delete(connection)) return;
    connection.toUpstream.discard();
    connection.toClient.discard();
    for (const socket of [connection.client, connection.upstream]) {
      if (socket.destroyed) continue;
      if (reset && !socket.connecting) socket.resetAndDestroy();
      else socket.destroy();
    }
  }
}
