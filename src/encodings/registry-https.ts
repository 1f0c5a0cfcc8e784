import { request } from 'node:https';

/**
 * One HTTPS request that trusts `ca` (PEM) beside nothing else: fetch takes no CA of its own, and a
 * registry behind a private CA is common. Failures reject with the socket's or TLS error as the
 * cause (its code, e.g. UNABLE_TO_VERIFY_LEAF_SIGNATURE, names what went wrong).
 */
export function httpsWithCa(url: string, options: { method: string; headers: Record<string, string>; body: string; ca: string; timeoutMs: number }): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const fail = (err: unknown): void => reject(Object.assign(new Error('the request failed'), { cause: err }));
    const outgoing = request(url, { method: options.method, headers: { ...options.headers, 'Content-Length': String(Buffer.byteLength(options.body)) }, ca: options.ca, timeout: options.timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', fail);
    });
    outgoing.on('timeout', () => outgoing.destroy(Object.assign(new Error('timeout'), { name: 'TimeoutError' })));
    outgoing.on('error', (err) => (err.name === 'TimeoutError' ? reject(err) : fail(err)));
    outgoing.end(options.body);
  });
}
