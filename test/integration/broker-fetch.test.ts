import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jarRepositoryPath, readPinnedJars } from '../../src/broker/kafka-jars.js';
import { freePortPair } from '../../src/broker/free-port.js';
import { runCli } from '../helpers/cli.js';
import { pathWithOnly } from '../helpers/tool-path.js';

// `stampede broker up` on a machine with Java but no Maven: the jars come from Maven Central over
// HTTPS, checked against the pinned and published checksums, into a cache of the user's own. This
// file starts a broker of its own through the CLI (it is what is under test), not startTestBroker().
const jars = readPinnedJars();
const kafkaVersion = jars.find((jar) => jar.artifactId === 'kafka_2.13')!.version;
const nodeAndJava = pathWithOnly(['node', 'java']);
const nodeOnly = pathWithOnly(['node']);
const scratch = mkdtempSync(join(tmpdir(), 'stampede-broker-fetch-'));
const freshCache = (name: string): string => join(scratch, name);

const fetching = suite('broker up fetches Kafka itself');

fetching.after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

fetching('no mvn on the PATH: broker up fetches the pinned jars from Central into the user cache and the broker answers', async () => {
  const cache = freshCache('central');
  const port = await freePortPair();
  const env = { PATH: nodeAndJava, XDG_CACHE_HOME: cache };
  try {
    const up = await runCli(['broker', 'up', '--port', String(port), '--heap-mb', '512'], { env, timeoutMs: 180_000 });
    assert.is(up.code, 0, up.stdout + up.stderr);
    assert.match(up.stdout, `fetching Apache Kafka ${kafkaVersion} (${jars.length} jars) from https://repo1.maven.org/maven2`);
    const libs = join(cache, 'stampede', 'kafka', kafkaVersion, 'libs');
    assert.is(readdirSync(libs).length, jars.length);
    assert.ok(existsSync(join(cache, 'stampede', 'broker', String(port), 'broker.pid')), 'the broker keeps its data in the user cache too');
    const status = await runCli(['broker', 'status', '--port', String(port)], { env });
    assert.match(status.stdout, 'and answering');
  } finally {
    const down = await runCli(['broker', 'down', '--port', String(port)], { env });
    assert.is(down.code, 0, down.stdout + down.stderr);
  }
});

/** A mirror that serves every pinned jar's genuine .sha1 but a jar of other bytes. */
async function tamperingMirror(): Promise<{ url: string; server: Server; requests: string[] }> {
  const sha1ByPath = new Map(jars.map((jar) => [`/maven2/${jarRepositoryPath(jar)}`, jar.sha1]));
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const path = request.url ?? '';
    requests.push(path);
    if (path.endsWith('.jar') && sha1ByPath.has(path)) return void response.end('not the jar Maven Central has');
    if (path.endsWith('.jar.sha1') && sha1ByPath.has(path.slice(0, -5))) return void response.end(`${sha1ByPath.get(path.slice(0, -5))}\n`);
    response.statusCode = 404;
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}/maven2`, server, requests };
}

fetching('a mirror serving a tampered jar is refused in one line naming the jar; nothing is kept', async () => {
  const mirror = await tamperingMirror();
  const cache = freshCache('tampered');
  try {
    const up = await runCli(['broker', 'up', '--port', String(await freePortPair()), '--maven-repo', mirror.url], { env: { PATH: nodeAndJava, XDG_CACHE_HOME: cache } });
    assert.is(up.code, 2, up.stdout + up.stderr);
    const lines = up.stderr.trim().split('\n');
    assert.is(lines.length, 1, up.stderr);
    assert.match(lines[0]!, new RegExp(`^stampede: checksum mismatch for ${mirror.url}/\\S+\\.jar: its SHA-1 is [0-9a-f]{40}, the published \\.sha1 says [0-9a-f]{40} and stampede pins [0-9a-f]{40}; refused, nothing kept$`));
    assert.ok(mirror.requests.some((path) => path.endsWith('.jar')), 'the mirror was asked');
    assert.not.ok(existsSync(join(cache, 'stampede', 'kafka', kafkaVersion)) && readdirSync(join(cache, 'stampede', 'kafka', kafkaVersion)).length > 0, 'no jar folder left behind');
  } finally {
    mirror.server.close();
  }
});

fetching('no Java on the PATH: one line, exit 2, before anything is fetched', async () => {
  const cache = freshCache('no-java');
  const up = await runCli(['broker', 'up', '--port', String(await freePortPair())], { env: { PATH: nodeOnly, XDG_CACHE_HOME: cache } });
  assert.is(up.code, 2, up.stdout + up.stderr);
  assert.is(up.stderr, 'stampede: the local broker needs Java 17+; stampede itself does not\n');
  assert.not.ok(existsSync(join(cache, 'stampede', 'kafka')));
});

fetching('--maven-repo that is no http(s) URL: one line naming the flag, exit 2', async () => {
  const up = await runCli(['broker', 'up', '--port', String(await freePortPair()), '--maven-repo', 'ftp://mirror.example/maven2'], { env: { PATH: nodeAndJava, XDG_CACHE_HOME: freshCache('bad-url') } });
  assert.is(up.code, 2, up.stdout + up.stderr);
  assert.is(up.stderr, 'stampede: --maven-repo must be an http(s) URL of a Maven repository (got "ftp://mirror.example/maven2")\n');
});

fetching.run();
