import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { toolVersion } from '../../src/version.js';

/**
 * A fake `ssh` for --hosts runs without sshd: placed first on PATH, it speaks the agent protocol
 * itself (src/fleet/protocol.ts) as the host named in its arguments, then misbehaves as the host's
 * name says. `good-*` hosts are well-behaved agents of the null client; the others are:
 *   garbled-*   after two interval lines, a 700-character interval line without its snapshot (valid JSON, wrong shape)
 *   flood-*     after two interval lines, megabytes without a newline
 *   silent-*    ignores stop and the end of its stdin: never sends its final line
 * Every line the coordinator sends is appended to $FAKE_AGENT_LOG when it is set (a `check` is
 * answered as a failed broker check), and $FAKE_AGENT_VERSION is the version its hello claims.
 * Every fake exits on its own after 90 s, so none outlives a failed test for long.
 */
const kScript = String.raw`
const args = process.argv.slice(2);
const host = args[args.indexOf('--') - 1];
const kind = host.replace(/-\d+$/, '');
const write = (text) => process.stdout.write(text);
const send = (message) => write(JSON.stringify(message) + '\n');
setTimeout(() => process.exit(3), 90000).unref();
send({ type: 'hello', protocol: 1, version: process.env.FAKE_AGENT_VERSION, runtime: { name: 'node', version: process.versions.node },
  facts: { hostname: host, platform: 'linux', release: 'fake', arch: 'x64', cpuModel: 'fake', cpus: 1, memoryBytes: 1 }, pid: process.pid, platformArch: 'linux-x64' });
let run;
let seq = 0;
let sentPerWorker = 0;
let startUs = 0;
let ticker;
const snapshot = () => {
  const sent = sentPerWorker * run.workers.length;
  return { counters: { sent, acked: sent, failed: 0, ackedBytes: sent * 100, backpressureWaits: 0, clampedLatencies: 0, sendMicros: 0, negativeLatencies: 0, negativeSumUs: 0, blockedMicros: 0, done: false }, hdr: '' };
};
const line = () => ({ seq: ++seq, startUs, endUs: Date.now() * 1000, produced: snapshot(), publishDelay: null, sentPerShard: run.workers.map(() => sentPerWorker) });
const tick = () => {
  sentPerWorker += 1000;
  send({ ...line(), type: 'interval' });
  if (seq < 2) return;
  if (kind === 'garbled') { send({ type: 'interval', seq: 99, startUs, endUs: Date.now() * 1000, publishDelay: null, sentPerShard: [], note: 'x'.repeat(500) }); clearInterval(ticker); }
  if (kind === 'flood') { for (let i = 0; i < 6; i++) write('x'.repeat(1 << 20)); clearInterval(ticker); }
};
let buffered = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffered += chunk;
  for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
    const raw = buffered.slice(0, newline);
    if (process.env.FAKE_AGENT_LOG) require('node:fs').appendFileSync(process.env.FAKE_AGENT_LOG, raw + '\n');
    const message = JSON.parse(raw);
    buffered = buffered.slice(newline + 1);
    if (message.type === 'check') send({ type: 'checked', ok: false, detail: 'fake agent: no broker' });
    if (message.type === 'ping') send({ type: 'pong', t0Us: message.t0Us, agentUs: Date.now() * 1000 });
    if (message.type === 'run') { run = message; send({ type: 'ready', goWaitingSinceUs: Date.now() * 1000 }); }
    if (message.type === 'go') { startUs = Date.now() * 1000; send({ type: 'started', goAtUs: startUs }); ticker = setInterval(tick, 200); }
    if (message.type === 'stop' && kind !== 'silent') {
      clearInterval(ticker);
      send({ ...line(), type: 'final', outcomes: run.workers.map(() => ({ ok: true, sent: sentPerWorker })), cpuMicros: 1, maxRssBytes: 1 });
    }
  }
});
process.stdin.on('end', () => { if (kind !== 'silent') process.exit(0); });
`;

/** A directory holding the fake `ssh`, and the environment that puts it first on PATH. */
export function fakeSshEnv(): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-fake-ssh-'));
  const path = join(dir, 'ssh');
  writeFileSync(path, `#!${process.execPath}\n${kScript}`);
  chmodSync(path, 0o755);
  return { PATH: `${dir}${delimiter}${process.env['PATH'] ?? ''}`, FAKE_AGENT_VERSION: toolVersion };
}
