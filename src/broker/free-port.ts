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
