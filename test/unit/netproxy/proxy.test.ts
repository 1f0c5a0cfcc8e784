import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort, portIsFree } from '../../../src/broker/free-port.js';
import { attachProxyNetwork, startProxyNetwork, type ProxiedNodeNetwork } from '../../../src/netproxy/index.js';
import { runProgram } from '../../helpers/cli.js';
import type { NodeAddress, NodeNetwork } from '../../../src/broker/node-network.js';

interface Context {
  network?: ProxiedNodeNetwork;
  echoes?: Server[];
  node?: NodeAddress;
  peer?: NodeAddress;
}

const proxy = suite<Context>('netproxy: bytes through unchanged, delay, partition and heal');
const kNodeHost = '127.0.0.21';
const kPeerHost = '127.0.0.22';

/** A port free on the proxies' address and on the node's own. */
async function portFreeOnBoth(host: string): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (await portIsFree(port, host)) return port;
  }
}

// Echo servers stand in for two nodes' broker listeners: what a client sends comes back, through
// the proxy twice. This process listens on both, so to the proxies it is node 1 and node 2 at once.
proxy.before(async (context) => {
  const node: NodeAddress = { nodeId: 1, host: kNodeHost, brokerPort: await portFreeOnBoth(kNodeHost), controllerPort: await portFreeOnBoth(kNodeHost) };
  const peer: NodeAddress = { nodeId: 2, host: kPeerHost, brokerPort: await portFreeOnBoth(kPeerHost), controllerPort: await portFreeOnBoth(kPeerHost) };
  context.echoes = [];
  for (const { host, brokerPort } of [node, peer]) {
    // Resets from the proxy (a partition) are what the tests do: not errors of the echo server.
    const echo = createServer((socket) => socket.on('error', () => undefined).pipe(socket));
    await new Promise<void>((resolve) => echo.listen(brokerPort, host, resolve));
    context.echoes.push(echo);
  }
  context.node = node;
  context.peer = peer;
  context.network = await startProxyNetwork([node, peer]);
});

proxy.after(async (context) => {
  await context.network?.stop();
  for (const echo of context.echoes ?? []) echo.close();
});

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true });
    socket.once('connect', () => resolve(socket)).once('error', reject);
  });
}

/** Sends `payload` and resolves with what came back once as many bytes arrived, and the ms it took. */
function roundTrip(socket: Socket, payload: Buffer): Promise<{ back: Buffer; elapsedMs: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const started = performance.now();
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      received += chunk.length;
      if (received < payload.length) return;
      socket.off('data', onData);
      resolve({ back: Buffer.concat(chunks), elapsedMs: performance.now() - started });
    };
    socket.on('data', onData);
    socket.write(payload, (err) => err && reject(err));
  });
}

async function medianRoundTripMs(socket: Socket, times: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) samples.push((await roundTrip(socket, Buffer.from('ping'))).elapsedMs);
  return samples.sort((a, b) => a - b)[Math.floor(times / 2)]!;
}

proxy('listenersFor: the node binds its own address, clients and peers are given the proxy on 127.0.0.1 at the same ports', ({ network, node }) => {
  const listeners = network!.listenersFor(1);
  assert.equal(listeners.brokerBind, { host: kNodeHost, port: node!.brokerPort });
  assert.equal(listeners.brokerAdvertised, { host: '127.0.0.1', port: node!.brokerPort });
  assert.equal(listeners.controllerBind, { host: kNodeHost, port: node!.controllerPort });
  assert.equal(listeners.controllerAdvertised, { host: '127.0.0.1', port: node!.controllerPort });
  assert.is(network!.kind, 'proxy');
  // The proxies restate the broker layer's interface (they sit below it): this stops compiling if the two drift apart.
  const asTheClusterSeesIt: NodeNetwork = network!;
  assert.is(asTheClusterSeesIt.listenersFor(1).brokerBind.port, node!.brokerPort);
});

proxy('8 MiB of random bytes come back unchanged through the proxy, with and without delay', async ({ network, node }) => {
  for (const delayMs of [0, 10]) {
    await network!.delay(1, delayMs);
    const socket = await open(node!.brokerPort);
    const payload = randomBytes(8 << 20);
    const { back } = await roundTrip(socket, payload);
    socket.destroy();
    assert.ok(back.equals(payload), `delay ${delayMs} ms: ${back.length} bytes back of ${payload.length}, equal: ${back.equals(payload)}`);
  }
  await network!.heal(1);
});

proxy('delay D adds D ms to a request/response round trip (D/2 each way), and heal takes it away', async ({ network, node }) => {
  const socket = await open(node!.brokerPort);
  const baseMs = await medianRoundTripMs(socket, 11);
  await network!.delay(1, 40);
  const delayedMs = await medianRoundTripMs(socket, 11);
  await network!.heal(1);
  const healedMs = await medianRoundTripMs(socket, 11);
  socket.destroy();
  console.log(`  round trip: ${baseMs.toFixed(2)} ms without delay, ${delayedMs.toFixed(2)} ms with delay 40 ms, ${healedMs.toFixed(2)} ms healed`);
  assert.ok(delayedMs - baseMs >= 38 && delayedMs - baseMs <= 46, `added ${(delayedMs - baseMs).toFixed(2)} ms for a 40 ms delay`);
  assert.ok(healedMs < baseMs + 5, `healed ${healedMs.toFixed(2)} ms against ${baseMs.toFixed(2)} ms before`);
  const [state] = await network!.state();
  assert.is(state!.roundTripDelayMs, 0);
});

proxy('partition resets open connections and refuses new ones on both listeners; heal accepts them again', async ({ network, node }) => {
  const socket = await open(node!.brokerPort);
  const closed = new Promise<string>((resolve) => socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message)).once('close', () => resolve('closed')));
  await network!.partition(1);
  assert.is(await closed, 'ECONNRESET');
  for (const port of [node!.brokerPort, node!.controllerPort]) {
    const refused = await open(port).then(
      (s) => (s.destroy(), 'connected'),
      (err: NodeJS.ErrnoException) => err.code,
    );
    assert.is(refused, 'ECONNREFUSED', `port ${port} while partitioned`);
  }
  assert.equal((await network!.state()).map((node) => node.partitioned), [true, false]);
  await network!.heal(1);
  const again = await open(node!.brokerPort);
  const { back } = await roundTrip(again, Buffer.from('after heal'));
  again.destroy();
  assert.is(back.toString(), 'after heal');
  assert.equal((await network!.state()).map((node) => node.partitioned), [false, false]);
});

proxy('delay on a node holds its own connections to its peers too, open before or after, and only those', async ({ network, peer }) => {
  // This process listens on node 1's address: what it opens to node 2 is node 1's.
  const before = await open(peer!.brokerPort);
  await network!.delay(1, 40);
  const after = await open(peer!.brokerPort);
  const beforeMs = await medianRoundTripMs(before, 7);
  const afterMs = await medianRoundTripMs(after, 7);
  const client = await runProgram(process.execPath, ['-e', kTimedEchoClient, String(peer!.brokerPort)], { timeoutMs: 10_000 });
  await network!.heal(1);
  const healedMs = await medianRoundTripMs(before, 7);
  before.destroy();
  after.destroy();
  const clientMs = Number(client.stdout.trim());
  console.log(`  node 1 → node 2 round trip with node 1 delayed 40 ms: ${beforeMs.toFixed(2)} ms (opened before), ${afterMs.toFixed(2)} ms (after); another process: ${clientMs.toFixed(2)} ms; healed ${healedMs.toFixed(2)} ms`);
  for (const ms of [beforeMs, afterMs]) assert.ok(ms >= 38 && ms <= 46, `${ms} ms for a 40 ms delay`);
  assert.ok(clientMs < 20, `another process's round trip to node 2: ${clientMs} ms (${client.stderr})`);
  assert.ok(healedMs < 20, `healed: ${healedMs} ms`);
});

/** Like kEchoClient, but 5 round trips, and prints the median ms. (The first waits while the proxy looks up who connected.) */
const kTimedEchoClient = `const s = require('node:net').connect(Number(process.argv[1]), '127.0.0.1', async () => {
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await new Promise((resolve) => { s.once('data', resolve); s.write('hi'); });
    times.push(performance.now() - t);
  }
  console.log(times.sort((a, b) => a - b)[2]);
  s.destroy();
});`;

proxy('delayClients holds clients\' connections to the node, not the ones other nodes opened to it', async ({ network, node }) => {
  // This process also listens on node 2's address: to node 1's proxy it is a peer. A child process is a client.
  const fromPeer = await open(node!.brokerPort);
  await network!.delayClients(1, 40);
  const client = await runProgram(process.execPath, ['-e', kTimedEchoClient, String(node!.brokerPort)], { timeoutMs: 10_000 });
  const peerMs = await medianRoundTripMs(fromPeer, 7);
  const [state] = await network!.state();
  await network!.heal(1);
  fromPeer.destroy();
  const clientMs = Number(client.stdout.trim());
  console.log(`  node 1 with its client path delayed 40 ms: a client's round trip ${clientMs.toFixed(2)} ms, a peer's ${peerMs.toFixed(2)} ms`);
  assert.ok(clientMs >= 38 && clientMs <= 46, `client: ${clientMs} ms for a 40 ms delay (${client.stderr})`);
  assert.ok(peerMs < 20, `peer: ${peerMs} ms`);
  assert.is(state!.clientRoundTripDelayMs, 40);
  assert.is(state!.roundTripDelayMs, 0);
});

proxy('partition cuts the node\'s own connections to its peers too, and only those: reset, then refused until heal', async ({ network, peer }) => {
  // This process listens on node 1's address: what it opens to node 2 is node 1's.
  const before = await open(peer!.brokerPort);
  const reset = new Promise<string>((resolve) => before.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message)).once('close', () => resolve('closed')));
  await network!.partition(1);
  assert.is(await reset, 'ECONNRESET', 'node 1 → node 2, open before the partition');
  const during = await open(peer!.brokerPort).then(
    (socket) => new Promise<string>((resolve) => socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message)).once('close', () => resolve('closed'))),
    (err: NodeJS.ErrnoException) => err.code ?? err.message,
  );
  assert.ok(during === 'ECONNRESET' || during === 'closed', `node 1 → node 2 during the partition: ${during}`);
  // Another process (a client) still reaches node 2.
  const client = await runProgram(process.execPath, ['-e', kEchoClient, String(peer!.brokerPort)], { timeoutMs: 10_000 });
  assert.is(client.stdout.trim(), 'echo: hello', client.stderr);
  await network!.heal(1);
  const after = await open(peer!.brokerPort);
  const { back } = await roundTrip(after, Buffer.from('healed'));
  after.destroy();
  assert.is(back.toString(), 'healed');
});

/** A client in a process of its own: sends "hello" to the port on 127.0.0.1, prints what comes back. */
const kEchoClient = `const s = require('node:net').connect(Number(process.argv[1]), '127.0.0.1', () => s.write('hello'));
s.on('data', (d) => { console.log('echo: ' + d); s.destroy(); });`;

proxy('a node that is down: the proxy accepts, then closes the connection', async ({ node }) => {
  // The controller port has nothing behind it in this suite, as a killed node's would.
  const socket = await open(node!.controllerPort);
  const ended = await new Promise<boolean>((resolve) => socket.once('close', () => resolve(true)).once('error', () => undefined));
  assert.ok(ended);
});

proxy('detached with a control file: a later process attaches to the proxies, sets a fault, and stops them', async () => {
  const node: NodeAddress = { nodeId: 7, host: '127.0.0.23', brokerPort: await portFreeOnBoth('127.0.0.23'), controllerPort: await portFreeOnBoth('127.0.0.23') };
  const controlFile = join(mkdtempSync(join(tmpdir(), 'stampede-netproxy-')), 'network.json');
  const started = await startProxyNetwork([node], { controlFile, detached: true });
  const attached = attachProxyNetwork(controlFile);
  assert.is(attached.pid, started.pid);
  await attached.delay(7, 15);
  assert.is((await started.state())[0]!.roundTripDelayMs, 15);
  await attached.stop();
  assert.throws(() => process.kill(started.pid, 0), 'the proxy process is gone');
  assert.match(await failure(attached.heal(7)), /do not answer/);
  assert.throws(() => attachProxyNetwork(join(tmpdir(), 'no-such-network.json')), /cannot read the network proxies' control file/);
});

proxy('bad input: an unknown node, a negative delay, a node on the proxies\' own address', async ({ network }) => {
  assert.match(await failure(network!.delay(9, 10)), /no node 9/);
  assert.match(await failure(network!.delay(1, -1)), /≥ 0 ms/);
  assert.match(await failure(startProxyNetwork([{ nodeId: 1, host: '127.0.0.1', brokerPort: 1, controllerPort: 2 }])), /node 1: host 127\.0\.0\.1 must be a loopback address other than 127\.0\.0\.1/);
});

async function failure(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (err: Error) => err.message,
  );
}

proxy.run();
