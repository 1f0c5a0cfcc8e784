/**
 * Headless Chromium (Debian's `chromium`, installed by scripts/install.sh) driven over the DevTools
 * protocol. Node 20 has no WebSocket client without a flag, so a minimal RFC 6455 client over
 * node:net is here: text frames only, client frames masked, server frames of any length.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const chromiumBinary = (): string => process.env['STAMPEDE_CHROMIUM'] ?? 'chromium';

class WebSocketClient {
  private buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  onMessage: (text: string) => void = () => {};

  private constructor(private readonly socket: Socket) {}

  static open(url: string): Promise<WebSocketClient> {
    const { hostname, port, pathname } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname);
      const key = randomBytes(16).toString('base64');
      socket.once('error', reject);
      socket.once('connect', () => socket.write(`GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`));
      let head = Buffer.alloc(0);
      const onHandshake = (chunk: Buffer): void => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) return;
        socket.off('data', onHandshake);
        if (!/^HTTP\/1\.1 101/.test(head.toString('latin1'))) return reject(new Error(`WebSocket upgrade refused: ${head.toString('latin1').split('\r\n')[0]}`));
        const client = new WebSocketClient(socket);
        socket.on('data', (data: Buffer) => client.receive(data));
        client.receive(head.subarray(end + 4));
        resolve(client);
      };
      socket.on('data', onHandshake);
    });
  }

  send(text: string): void {
    const payload = Buffer.from(text);
    const mask = randomBytes(4);
    const length = payload.length;
    const header = length < 126 ? Buffer.from([0x81, 0x80 | length]) : length < 65536 ? Buffer.from([0x81, 0x80 | 126, length >> 8, length & 0xff]) : Buffer.concat([Buffer.from([0x81, 0x80 | 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(length)); return b; })()]);
    for (let i = 0; i < length; i++) payload[i]! ^= mask[i % 4]!;
    this.socket.write(Buffer.concat([header, mask, payload]));
  }

  private receive(data: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, data]);
    for (;;) {
      if (this.buffer.length < 2) return;
      const fin = (this.buffer[0]! & 0x80) !== 0;
      const opcode = this.buffer[0]! & 0x0f;
      let length = this.buffer[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffer.length < 4) return;
        length = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffer.length < 10) return;
        length = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffer.length < offset + length) return;
      const payload = this.buffer.subarray(offset, offset + length);
      this.buffer = this.buffer.subarray(offset + length);
      if (opcode === 0x8) {
        this.socket.end();
        return;
      }
      if (opcode === 0x1 || opcode === 0x0) {
        this.fragments.push(Buffer.from(payload));
        if (fin) {
          const text = Buffer.concat(this.fragments).toString('utf8');
          this.fragments = [];
          this.onMessage(text);
        }
      }
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

export interface PageCheck {
  /** console errors, uncaught exceptions and browser log errors (CSP refusals, failed loads) */
  errors: string[];
  /** what `expression` evaluated to in the loaded page */
  value: unknown;
  screenshotPng: Buffer;
}

/** Opens `url` in a fresh headless Chromium, evaluates `expression` after load, screenshots the whole page. */
export async function checkPage(url: string, expression: string, widthPx = 1280): Promise<PageCheck> {
  const profile = mkdtempSync(join(tmpdir(), 'stampede-chromium-'));
  const browser: ChildProcess = spawn(chromiumBinary(), ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--hide-scrollbars', '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  try {
    const endpoint = await new Promise<string>((resolve, reject) => {
      let stderr = '';
      const timer = setTimeout(() => reject(new Error(`chromium did not start within 30 s: ${stderr}`)), 30_000);
      browser.once('error', (err) => reject(new Error(`${chromiumBinary()} could not start (${err.message}); scripts/install.sh installs Debian's chromium`)));
      browser.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    const { host } = new URL(endpoint);
    const targets = (await (await fetch(`http://${host}/json/list`)).json()) as { type: string; webSocketDebuggerUrl: string }[];
    const page = targets.find((t) => t.type === 'page');
    if (!page) throw new Error('chromium has no page target');
    const ws = await WebSocketClient.open(page.webSocketDebuggerUrl);
    let nextId = 0;
    const pending = new Map<number, { resolve(v: Record<string, unknown>): void; reject(e: Error): void }>();
    const errors: string[] = [];
    let onLoad: () => void = () => {};
    ws.onMessage = (text) => {
      const message = JSON.parse(text) as { id?: number; result?: Record<string, unknown>; error?: { message: string }; method?: string; params?: Record<string, any> };
      if (message.id !== undefined) {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.error) waiter?.reject(new Error(message.error.message));
        else waiter?.resolve(message.result ?? {});
        return;
      }
      const params = message.params ?? {};
      if (message.method === 'Runtime.consoleAPICalled' && (params['type'] === 'error' || params['type'] === 'assert')) errors.push(`console.${params['type']}: ${JSON.stringify(params['args'])}`);
      if (message.method === 'Runtime.exceptionThrown') errors.push(`exception: ${params['exceptionDetails']?.exception?.description ?? params['exceptionDetails']?.text}`);
      if (message.method === 'Log.entryAdded' && params['entry']?.level === 'error') errors.push(`${params['entry'].source}: ${params['entry'].text} ${params['entry'].url ?? ''}`);
      if (message.method === 'Page.loadEventFired') onLoad();
    };
    const call = (method: string, params: Record<string, unknown> = {}): Promise<Record<string, any>> =>
      new Promise((resolve, reject) => {
        const id = ++nextId;
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, method, params }));
      });
    try {
      await Promise.all([call('Runtime.enable'), call('Log.enable'), call('Page.enable')]);
      await call('Emulation.setDeviceMetricsOverride', { width: widthPx, height: 900, deviceScaleFactor: 1, mobile: false });
      const loaded = new Promise<void>((resolve) => (onLoad = resolve));
      await call('Page.navigate', { url });
      await Promise.race([loaded, new Promise((_, reject) => setTimeout(() => reject(new Error(`${url} did not load within 20 s`)), 20_000))]);
      // Layout settles after load; let late console errors arrive too.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const evaluated = await call('Runtime.evaluate', { expression, returnByValue: true });
      if (evaluated['exceptionDetails']) errors.push(`evaluate: ${JSON.stringify(evaluated['exceptionDetails'])}`);
      const metrics = await call('Page.getLayoutMetrics');
      const size = metrics['cssContentSize'] as { width: number; height: number };
      const shot = await call('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true, clip: { x: 0, y: 0, width: size.width, height: size.height, scale: 1 } });
      return { errors, value: evaluated['result']?.value, screenshotPng: Buffer.from(String(shot['data']), 'base64') };
    } finally {
      ws.close();
    }
  } finally {
    // The whole process group it was started in (detached): Chromium's renderer, zygote and
    // crash handler outlive a killed browser process and go on writing into the profile, and
    // removing it then failed with ENOTEMPTY (a fresh-clone CI run).
    const exited = new Promise((resolve) => (browser.exitCode !== null || browser.signalCode !== null ? resolve(undefined) : browser.once('exit', resolve)));
    try {
      if (browser.pid !== undefined) process.kill(-browser.pid, 'SIGKILL');
    } catch {
      browser.kill('SIGKILL'); // the group is gone already, or was never made
    }
    await exited;
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}
