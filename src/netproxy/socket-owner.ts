import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { NodeEndpoint } from './types.js';

/**
 * Which process holds a loopback TCP socket, read from /proc (Linux). A node's own outgoing
 * connections (a follower fetching, a broker's heartbeat to the controller) reach the other nodes'
 * proxies from 127.0.0.1 like any client's, since Kafka cannot bind them to the node's address: the
 * proxy tells them apart by the process at the other end, the one listening on the node's address.
 */
const kTcpStateListen = '0A';
const kTcpStateEstablished = '01';

/** "0100007F:1F90" (tcp) or "0000000000000000FFFF00000100007F:1F90" (tcp6, IPv4-mapped) → "127.0.0.1:8080". */
export function decodeProcAddress(field: string): string | undefined {
  const [hex, portHex] = field.split(':');
  if (hex === undefined || portHex === undefined) return undefined;
  let v4 = hex;
  if (hex.length === 32) {
    if (!hex.startsWith('0000000000000000FFFF0000')) return undefined;
    v4 = hex.slice(24);
  }
  if (v4.length !== 8) return undefined;
  // Each 32-bit word is in host (little-endian) order.
  const octets = [6, 4, 2, 0].map((at) => parseInt(v4.slice(at, at + 2), 16));
  return `${octets.join('.')}:${parseInt(portHex, 16)}`;
}

export interface SocketRow {
  local: string;
  remote: string;
  state: string;
  inode: number;
}

export function parseProcNetTcp(text: string): SocketRow[] {
  const rows: SocketRow[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10) continue;
    const local = decodeProcAddress(fields[1]!);
    const remote = decodeProcAddress(fields[2]!);
    if (local === undefined || remote === undefined) continue;
    rows.push({ local, remote, state: fields[3]!, inode: Number(fields[9]) });
  }
  return rows;
}

function loopbackSockets(): SocketRow[] {
  const read = (path: string): string => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  };
  return [...parseProcNetTcp(read('/proc/net/tcp')), ...parseProcNetTcp(read('/proc/net/tcp6'))];
}

function socketInodesOf(pid: number): Set<number> {
  const inodes = new Set<number>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(Number(match[1]));
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

/** Listener address → the pid last found listening there (a restarted node gets a new one). */
const knownListeners = new Map<string, number>();

/** The pid listening on `endpoint` and its socket inodes; undefined if no process listens there. */
function listenerProcess(endpoint: NodeEndpoint, sockets: SocketRow[]): { pid: number; inodes: Set<number> } | undefined {
  const address = `${endpoint.host}:${endpoint.port}`;
  const inode = sockets.find((row) => row.state === kTcpStateListen && row.local === address)?.inode;
  if (inode === undefined || inode === 0) return undefined;
  const known = knownListeners.get(address);
  if (known !== undefined) {
    const inodes = socketInodesOf(known);
    if (inodes.has(inode)) return { pid: known, inodes };
  }
  // Every process this user may read: a few hundred directory reads, only when a partition starts
  // or a connection arrives during one.
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const inodes = socketInodesOf(Number(entry));
    if (!inodes.has(inode)) continue;
    knownListeners.set(address, Number(entry));
    return { pid: Number(entry), inodes };
  }
  return undefined;
}

/**
 * The remote addresses ("127.0.0.1:41234") of connections to `proxyAddresses` that the process
 * listening on `nodeListener` opened. Empty when that process is not running.
 */
export function connectionsOpenedBy(nodeListener: NodeEndpoint, proxyAddresses: Set<string>): Set<string> {
  const sockets = loopbackSockets();
  const owner = listenerProcess(nodeListener, sockets);
  const sources = new Set<string>();
  if (owner === undefined) return sources;
  for (const row of sockets) {
    if (row.state === kTcpStateEstablished && proxyAddresses.has(row.remote) && owner.inodes.has(row.inode)) sources.add(row.local);
  }
  return sources;
}
