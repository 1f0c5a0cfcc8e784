import { createServer } from 'node:net';

/**
 * A TCP port the OS just had free on `host` (closed again before it is returned, so another
 * program could take it first: rare, and the caller's listen then fails loudly).
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error(`no free port on ${host}`))));
    });
  });
}

/** Whether `port` on `host` can be listened on right now. */
export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * A free port whose next port is free too: `stampede broker up --port P` puts its controller on
 * P+1, so a P+1 taken by another program makes the broker exit while starting. Tries a few times.
 */
export async function freePortPair(host = '127.0.0.1', attempts = 20): Promise<number> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = await freePort(host);
    if (port < 65_535 && (await portIsFree(port + 1, host))) return port;
  }
  throw new Error(`no two consecutive free ports on ${host} in ${attempts} tries`);
}
