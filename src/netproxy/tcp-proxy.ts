import { connect, createServer, type Server, type Socket } from 'node:net';
import type { NodeEndpoint } from './types.js';
import { DelayedPipe } from './delayed-pipe.js';

interface ProxiedConnection {
  client: Socket;
  upstream: Socket;
  toUpstream: DelayedPipe;
  toClient: DelayedPipe;
}

/**
 * A TCP proxy in front of one listener: accepts on `listen`, opens a connection to `target` per
 * client, and copies bytes both ways, each way held `oneWayDelayMs`. Cut, it closes its listening
 * socket (new connections are refused) and destroys every open connection; restored, it listens on
 * the same address again.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly connections = new Set<ProxiedConnection>();
  private oneWayDelayMs = 0;

  /** Whether a connection from this remote address ("127.0.0.1:41234") is refused: it comes from a partitioned node. */
  refuses: (remote: string) => boolean = () => false;

  constructor(
    readonly listen: NodeEndpoint,
    readonly target: NodeEndpoint,
  ) {}

  get address(): string {
    return `${this.listen.host}:${this.listen.port}`;
  }

  /** Resets the open connections from these remote addresses. */
  dropFrom(remotes: Set<string>): void {
    for (const connection of [...this.connections]) {
      if (remotes.has(`${connection.client.remoteAddress}:${connection.client.remotePort}`)) this.drop(connection, true);
    }
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
    for (const connection of this.connections) {
      connection.toUpstream.delayMs = oneWayDelayMs;
      connection.toClient.delayMs = oneWayDelayMs;
    }
  }

  /** Refuses new connections and drops the open ones (both ends see a reset). */
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

  private accept(client: Socket): void {
    if (this.refuses(`${client.remoteAddress}:${client.remotePort}`)) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect({ host: this.target.host, port: this.target.port, allowHalfOpen: true, noDelay: true });
    const connection: ProxiedConnection = {
      client,
      upstream,
      toUpstream: new DelayedPipe(client, upstream),
      toClient: new DelayedPipe(upstream, client),
    };
    connection.toUpstream.delayMs = this.oneWayDelayMs;
    connection.toClient.delayMs = this.oneWayDelayMs;
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
