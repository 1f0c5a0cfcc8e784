/**
 * Just enough of the Kafka wire protocol for admin requests: size-prefixed frames, request header v1,
 * response header v0, the non-flexible primitive encodings, and ApiVersions v0 negotiation.
 */
import net from 'node:net';
import { StampedeError } from '../errors.js';

export interface BrokerAddress {
  host: string;
  port: number;
}

export const ApiKey = { Metadata: 3, CreateTopics: 19, DeleteTopics: 20, ApiVersions: 18 } as const;

/** Guards against a non-Kafka peer (an HTTP server answers "HTTP", which reads as a 1.2 GB frame). */
const MAX_FRAME_BYTES = 64 * 1024 * 1024;

/** The broker could not be talked to; `reason` is a socket error code, `timeout`, or a short phrase. */
export class BrokerIOError extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.name = 'BrokerIOError';
    this.reason = reason;
  }
}

export const formatAddress = ({ host, port }: BrokerAddress): string =>
  host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;

export class Writer {
  private readonly parts: Buffer[] = [];

  int8(value: number): this {
    return this.push(1, (b) => b.writeInt8(value));
  }
  int16(value: number): this {
    return this.push(2, (b) => b.writeInt16BE(value));
  }
  int32(value: number): this {
    return this.push(4, (b) => b.writeInt32BE(value));
  }
  bool(value: boolean): this {
    return this.int8(value ? 1 : 0);
  }
  string(value: string | null): this {
    if (value === null) return this.int16(-1);
    const bytes = Buffer.from(value, 'utf8');
    this.int16(bytes.length);
    this.parts.push(bytes);
    return this;
  }
  array<T>(items: readonly T[] | null, each: (w: this, item: T) => void): this {
    if (items === null) return this.int32(-1);
    this.int32(items.length);
    for (const item of items) each(this, item);
    return this;
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
  private push(size: number, write: (b: Buffer) => void): this {
    const b = Buffer.allocUnsafe(size);
    write(b);
    this.parts.push(b);
    return this;
  }
}

export class Reader {
  private offset = 0;
  constructor(private readonly buf: Buffer) {}

  int8(): number {
    return this.buf.readInt8(this.take(1));
  }
  int16(): number {
    return this.buf.readInt16BE(this.take(2));
  }
  int32(): number {
    return this.buf.readInt32BE(this.take(4));
  }
  bool(): boolean {
    return this.int8() !== 0;
  }
  nullableString(): string | null {
    const length = this.int16();
    if (length < 0) return null;
    const at = this.take(length);
    return this.buf.toString('utf8', at, at + length);
  }
  string(): string {
    return this.nullableString() ?? '';
  }
  array<T>(each: (r: Reader) => T): T[] {
    const count = this.int32();
    if (count < 0) return [];
    // Every element takes at least one byte, so a larger count is corruption, not a reason to loop.
    if (count > this.buf.length - this.offset) throw malformed(this.offset, this.buf.length);
    const out: T[] = [];
    for (let i = 0; i < count; i++) out.push(each(this));
    return out;
  }
  private take(n: number): number {
    if (this.offset + n > this.buf.length) throw malformed(this.offset, this.buf.length);
    const at = this.offset;
    this.offset += n;
    return at;
  }
}

const malformed = (offset: number, length: number): StampedeError =>
  new StampedeError('E_KAFKA', `malformed response from Kafka (ran past byte ${offset} of ${length})`);

interface Pending {
  resolve: (body: Reader) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export type VersionRange = { min: number; max: number };

/** One socket to one broker; requests are matched to responses by correlation id. */
export class Connection {
  readonly label: string;
  private readonly pending = new Map<number, Pending>();
  private readonly versions = new Map<number, VersionRange>();
  private nextCorrelationId = 1;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private failure: BrokerIOError | null = null;

  private constructor(
    private readonly socket: net.Socket,
    address: BrokerAddress,
    private readonly clientId: string,
  ) {
    this.label = formatAddress(address);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(toIOError(err)));
    socket.on('close', () => this.fail(new BrokerIOError('connection closed by the broker')));
  }

  /** Connects and learns the broker's supported versions (ApiVersions v0), all before `deadline`. */
  static async open(address: BrokerAddress, clientId: string, deadline: number): Promise<Connection> {
    const conn = await new Promise<Connection>((resolve, reject) => {
      const socket = net.connect({ host: address.host, port: address.port });
      const onError = (err: Error): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(toIOError(err));
      };
      const timer = setTimeout(() => onError(new BrokerIOError('timeout')), Math.max(0, deadline - Date.now()));
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeListener('error', onError);
        resolve(new Connection(socket, address, clientId));
      });
    });
    try {
      const r = await conn.request(ApiKey.ApiVersions, 0, Buffer.alloc(0), deadline);
      const errorCode = r.int16();
      const keys = r.array((k) => ({ key: k.int16(), min: k.int16(), max: k.int16() }));
      if (errorCode !== 0) throw new StampedeError('E_KAFKA', `Kafka at ${conn.label} rejected ApiVersions v0 (error ${errorCode})`);
      for (const { key, min, max } of keys) conn.versions.set(key, { min, max });
      return conn;
    } catch (err) {
      conn.close();
      throw err;
    }
  }

  /** Throws a clear E_KAFKA error unless the broker accepts `version` of this API. */
  requireVersion(apiKey: number, apiName: string, version: number): void {
    const range = this.versions.get(apiKey);
    if (range && range.min <= version && version <= range.max) return;
    const supported = range ? `it supports v${range.min}–v${range.max}` : 'it does not offer that API at all';
    throw new StampedeError(
      'E_KAFKA',
      `Kafka at ${this.label} does not accept ${apiName} v${version}, the only version stampede's admin client speaks (${supported})`,
    );
  }

  request(apiKey: number, apiVersion: number, body: Buffer, deadline: number): Promise<Reader> {
    if (this.failure) return Promise.reject(this.failure);
    const correlationId = this.nextCorrelationId;
    this.nextCorrelationId = (this.nextCorrelationId % 0x7fffffff) + 1;
    const header = new Writer().int16(apiKey).int16(apiVersion).int32(correlationId).string(this.clientId).toBuffer();
    const size = new Writer().int32(header.length + body.length).toBuffer();
    return new Promise<Reader>((resolve, reject) => {
      // A request that outlives the deadline poisons the connection: drop it rather than wait on.
      const timer = setTimeout(
        () => this.fail(new BrokerIOError('timeout waiting for a response')),
        Math.max(0, deadline - Date.now()),
      );
      this.pending.set(correlationId, { resolve, reject, timer });
      this.socket.write(Buffer.concat([size, header, body]));
    });
  }

  close(): void {
    this.fail(new BrokerIOError('connection closed by the client'));
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 4) {
      const head = this.chunks[0]!.length >= 4 ? this.chunks[0]! : this.joinChunks();
      const size = head.readInt32BE(0);
      if (size < 4 || size > MAX_FRAME_BYTES) {
        this.fail(new BrokerIOError(`not a Kafka broker (frame of ${size} bytes)`));
        return;
      }
      if (this.buffered < 4 + size) return;
      const all = this.joinChunks();
      const frame = all.subarray(4, 4 + size);
      const rest = all.subarray(4 + size);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      const pending = this.pending.get(frame.readInt32BE(0));
      if (!pending) {
        this.fail(new BrokerIOError('response for an unknown request'));
        return;
      }
      this.pending.delete(frame.readInt32BE(0));
      clearTimeout(pending.timer);
      pending.resolve(new Reader(frame.subarray(4)));
    }
  }

  private joinChunks(): Buffer {
    const joined = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
    this.chunks = [joined];
    return joined;
  }

  private fail(err: BrokerIOError): void {
    if (this.failure) return;
    this.failure = err;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
    this.socket.destroy();
  }
}

function toIOError(err: unknown): BrokerIOError {
  if (err instanceof BrokerIOError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  return new BrokerIOError(code ?? (err instanceof Error ? err.message : String(err)));
}
