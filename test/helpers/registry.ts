import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/broker/free-port.js';
import { cacheDir, projectRoot } from '../../src/paths.js';
import { findJava } from './java.js';
import { httpsWithCa } from '../../src/encodings/registry-https.js';

const kRegistryDir = join(cacheDir, 'registry');
const kAppDir = join(kRegistryDir, 'app');
const kPom = join(projectRoot, 'test', 'fixtures', 'registry', 'pom.xml');
const kStartTimeoutMs = 120_000;

export interface TestRegistry {
  /** The Confluent-compatible API's base URL, e.g. http://127.0.0.1:41234/apis/ccompat/v7 */
  url: string;
  pid: number;
  stop(): void;
}

/** Apicurio Registry from Maven Central, unpacked into .cache/registry/app once. */
export function ensureRegistryApp(): string {
  const jar = join(kAppDir, 'quarkus-run.jar');
  if (existsSync(jar)) return jar;
  const download = join(kRegistryDir, 'download');
  const fetched = spawnSync('mvn', ['-B', '-q', '-f', kPom, 'dependency:copy-dependencies', `-DoutputDirectory=${download}`], { stdio: 'inherit' });
  if (fetched.status !== 0) throw new Error(`mvn could not resolve Apicurio Registry (${kPom}), exit ${fetched.status}`);
  const archive = readdirSync(download).find((name) => name.endsWith('.tar.gz'));
  if (archive === undefined) throw new Error(`no Apicurio archive in ${download}`);
  mkdirSync(kAppDir, { recursive: true });
  const unpacked = spawnSync('tar', ['-xzf', join(download, archive), '-C', kAppDir], { stdio: 'inherit' });
  if (unpacked.status !== 0) throw new Error(`tar could not unpack ${archive}`);
  return jar;
}

export interface TestRegistryOptions {
  /** Users (name → password) the registry's API requires, by HTTP basic auth (Quarkus' embedded users); none: open. */
  users?: Record<string, string>;
  /** HTTPS only, with this certificate and key (PEM); `ca` is what the readiness probe trusts. */
  tls?: { certFile: string; keyFile: string; ca: string };
}

/** The Quarkus settings that put the whole API behind a basic-auth login of `users`. */
function loginFlags(users: Record<string, string>): string[] {
  return [
    '-Dquarkus.http.auth.basic=true',
    '-Dquarkus.security.users.embedded.enabled=true',
    '-Dquarkus.security.users.embedded.plain-text=true',
    ...Object.entries(users).map(([user, password]) => `-Dquarkus.security.users.embedded.users.${user}=${password}`),
    '-Dquarkus.http.auth.permission.api.paths=/apis/*',
    '-Dquarkus.http.auth.permission.api.policy=authenticated',
  ];
}

/**
 * A real schema registry (Apicurio, in-memory storage: every start is empty) on a free loopback
 * port, for one suite file. It needs Java 21+, found by scanning (findJava).
 */
export async function startTestRegistry(options: TestRegistryOptions = {}): Promise<TestRegistry> {
  const jar = ensureRegistryApp();
  const java = findJava(21);
  const port = await freePort();
  const managementPort = await freePort();
  const logDir = mkdtempSync(join(tmpdir(), 'stampede-registry-'));
  const log = openSync(join(logDir, 'registry.log'), 'a');
  const login = options.users === undefined ? [] : loginFlags(options.users);
  const tls = options.tls;
  const httpsPort = tls === undefined ? undefined : await freePort();
  const https = tls === undefined ? [] : [`-Dquarkus.http.ssl-port=${httpsPort}`, `-Dquarkus.http.ssl.certificate.files=${tls.certFile}`, `-Dquarkus.http.ssl.certificate.key-files=${tls.keyFile}`, '-Dquarkus.http.insecure-requests=disabled'];
  const child = spawn(java, ['-Xmx384m', `-Dquarkus.http.host=127.0.0.1`, `-Dquarkus.http.port=${port}`, '-Dquarkus.management.host=127.0.0.1', `-Dquarkus.management.port=${managementPort}`, ...login, ...https, '-jar', jar], { cwd: logDir, stdio: ['ignore', log, log], detached: true });
  if (child.pid === undefined) throw new Error('java did not start the registry');
  const pid = child.pid;
  child.unref();
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
    rmSync(logDir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  const url = tls === undefined ? `http://127.0.0.1:${port}/apis/ccompat/v7` : `https://127.0.0.1:${httpsPort}/apis/ccompat/v7`;
  const probe = async (): Promise<number> =>
    tls === undefined
      ? (await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(2_000) })).status
      : (await httpsWithCa(`${url}/subjects`, { method: 'GET', headers: {}, body: '', ca: readFileSync(tls.ca, 'utf8'), timeoutMs: 2_000 })).status;
  const deadline = Date.now() + kStartTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      // Behind a login, a 401 is the registry answering.
      const status = await probe();
      if (status === 200 || (login.length > 0 && status === 401)) return { url, pid, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const tail = readFileSync(join(logDir, 'registry.log'), 'utf8').split('\n').slice(-20).join('\n');
  stop();
  throw new Error(`the test registry did not answer on ${url} within ${kStartTimeoutMs / 1000} s:\n${tail}`);
}
