import { connect } from 'node:net';

/**
 * Two Kafka requests spoken directly over TCP (PLAINTEXT only), for the state of a local cluster that
 * librdkafka's admin API does not expose: per partition the leader and the ISR (Metadata v4), and the
 * active KRaft controller (DescribeQuorum v0, which a broker forwards to the quorum). Used by
 * `stampede cluster status` and the fault timeline's metadata poller, never for a user's secured cluster.
 */
export interface WirePartition {
  partition: number;
  /** -1: no leader */
  leader: number;
  replicas: number[];
  isr: number[];
}

export interface WireTopic {
  name: string;
  internal: boolean;
  partitions: WirePartition[];
}

export interface WireMetadata {
  brokers: { nodeId: number; host: string; port: number }[];
  topics: WireTopic[];
}

const kMetadataKey = 3;
const kDescribeQuorumKey = 55;
let correlation = 1;

class Reader {
  private offset = 0;
  constructor(private readonly buf: Buffer) {}
  int8(): number {
    return this.buf.readInt8(this.offset++);
  }
  int16(): number {
    const value = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }
  int32(): number {
    const value = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }
  string(): string | null {
    const length = this.int16();
    if (length < 0) return null;
    const text = this.buf.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return text;
  }
  uvarint(): number {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = this.buf.readUInt8(this.offset++);
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
  }
  compactString(): string {
    const length = this.uvarint() - 1;
    const text = this.buf.toString('utf8', this.offset, this.offset + Math.max(0, length));
    this.offset += Math.max(0, length);
    return text;
  }
  skipTags(): void {
    const count = this.uvarint();
    for (let tag = 0; tag < count; tag++) {
      this.uvarint();
      this.offset += this.uvarint();
    }
  }
  array<T>(item: () => T): T[] {
    const count = this.int32();
    const items: T[] = [];
    for (let index = 0; index < count; index++) items.push(item());
    return items;
  }
}

function header(apiKey: number, version: number, flexible: boolean): { id: number; bytes: Buffer } {
  const id = correlation++ & 0x7fffffff;
  const clientId = Buffer.from('stampede-cluster');
  const bytes = Buffer.alloc(10 + clientId.length + (flexible ? 1 : 0));
  bytes.writeInt16BE(apiKey, 0);
  bytes.writeInt16BE(version, 2);
  bytes.writeInt32BE(id, 4);
  bytes.writeInt16BE(clientId.length, 8);
  clientId.copy(bytes, 10);
  return { id, bytes };
}

/** One request, one response; the connection is closed after it. */
function exchange(host: string, port: number, request: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const chunks: Buffer[] = [];
    let received = 0;
    const timer = setTimeout(() => finish(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
    const finish = (err?: Error, body?: Buffer): void => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(body!);
    };
    socket.on('connect', () => {
      const size = Buffer.alloc(4);
      size.writeInt32BE(request.length);
      socket.write(Buffer.concat([size, request]));
    });
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      received += chunk.length;
      const all = Buffer.concat(chunks);
      if (received >= 4 && received >= 4 + all.readInt32BE(0)) finish(undefined, all.subarray(4, 4 + all.readInt32BE(0)));
    });
    socket.on('error', (err) => finish(err));
    socket.on('close', () => finish(new Error(`${host}:${port} closed the connection`)));
  });
}

/** Metadata v4 of every topic from the broker at host:port. */
export async function fetchMetadata(host: string, port: number, timeoutMs = 3000): Promise<WireMetadata> {
  const { id, bytes } = header(kMetadataKey, 4, false);
  const body = Buffer.from([0xff, 0xff, 0xff, 0xff, 0]); // all topics (null array), no auto-creation
  const reader = new Reader(await exchange(host, port, Buffer.concat([bytes, body]), timeoutMs));
  if (reader.int32() !== id) throw new Error(`${host}:${port} answered another request`);
  reader.int32(); // throttle
  const brokers = reader.array(() => {
    const nodeId = reader.int32();
    const brokerHost = reader.string() ?? '';
    const brokerPort = reader.int32();
    reader.string(); // rack
    return { nodeId, host: brokerHost, port: brokerPort };
  });
  reader.string(); // cluster id
  reader.int32(); // controller id: in KRaft a random broker, so DescribeQuorum names the real one
  const topics = reader.array(() => {
    reader.int16();
    const name = reader.string() ?? '';
    const internal = reader.int8() !== 0;
    const partitions = reader.array(() => {
      reader.int16();
      const partition = reader.int32();
      const leader = reader.int32();
      const replicas = reader.array(() => reader.int32());
      const isr = reader.array(() => reader.int32());
      return { partition, leader, replicas, isr };
    });
    partitions.sort((a, b) => a.partition - b.partition);
    return { name, internal, partitions };
  });
  topics.sort((a, b) => a.name.localeCompare(b.name));
  return { brokers, topics };
}

/** The node id of the active KRaft controller (the metadata quorum's leader), -1 while there is none. */
export async function fetchActiveController(host: string, port: number, timeoutMs = 3000): Promise<number> {
  const { id, bytes } = header(kDescribeQuorumKey, 0, true);
  const topic = Buffer.from('__cluster_metadata');
  const body = Buffer.concat([Buffer.from([2, topic.length + 1]), topic, Buffer.from([2, 0, 0, 0, 0, 0, 0, 0])]);
  const reader = new Reader(await exchange(host, port, Buffer.concat([bytes, body]), timeoutMs));
  if (reader.int32() !== id) throw new Error(`${host}:${port} answered another request`);
  reader.skipTags();
  const error = reader.int16();
  if (error !== 0) throw new Error(`DescribeQuorum error code ${error}`);
  if (reader.uvarint() < 2) return -1;
  reader.compactString();
  if (reader.uvarint() < 2) return -1;
  reader.int32(); // partition index
  const partitionError = reader.int16();
  if (partitionError !== 0) throw new Error(`DescribeQuorum partition error code ${partitionError}`);
  return reader.int32();
}
