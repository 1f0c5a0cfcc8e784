import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planValueSchema, registerValueSchema } from '../../src/encodings/value-schema.js';
import { httpsWithCa } from '../../src/encodings/registry-https.js';
import { StampedeError } from '../../src/errors.js';
import { makeTestCertificates, type TestCertificates } from '../helpers/certs.js';
import { startTestRegistry, type TestRegistry } from '../helpers/registry.js';
import { weatherShape } from '../helpers/weather-shape.js';

const login = suite<{ registry?: TestRegistry; certs?: TestCertificates }>('a schema registry over HTTPS from a private CA, behind a login (Apicurio with basic auth)');

login.before(async (context) => {
  const certs = (context.certs = makeTestCertificates(mkdtempSync(join(tmpdir(), 'stampede-registry-tls-'))));
  context.registry = await startTestRegistry({ users: { loader: 'reg-pass-7' }, tls: { certFile: join(certs.dir, 'broker.pem'), keyFile: join(certs.dir, 'broker.key'), ca: certs.caCert } });
});

login.after((context) => {
  context.registry?.stop();
  if (context.certs) rmSync(context.certs.dir, { recursive: true, force: true });
});

const planned = planValueSchema({ encoding: 'avro', shape: weatherShape });
const kLogin = { 'basic.auth.credentials.source': 'USER_INFO', 'basic.auth.user.info': 'loader:reg-pass-7' };

/** What registering says when it fails. */
async function failureOf(url: string, registrySettings: Record<string, string>): Promise<string> {
  try {
    await registerValueSchema(planned, { url, topic: 'login', strategy: 'topic', registrySettings });
  } catch (err) {
    assert.instance(err, StampedeError);
    return (err as StampedeError).message;
  }
  throw new Error('expected a StampedeError');
}

login('schema.registry.ssl.ca.location and basic.auth.user.info from the connection settings: registered, the registry knows the id', async ({ registry, certs }) => {
  const registered = await registerValueSchema(planned, { url: registry!.url, topic: 'login', strategy: 'topic', registrySettings: { ...kLogin, 'schema.registry.ssl.ca.location': certs!.caCert } });
  const ca = readFileSync(certs!.caCert, 'utf8');
  const byId = (headers: Record<string, string>): Promise<{ status: number }> => httpsWithCa(`${registry!.url}/schemas/ids/${registered.schemaId}`, { method: 'GET', headers, body: '', ca, timeoutMs: 5_000 });
  assert.is((await byId({ Authorization: `Basic ${Buffer.from('loader:reg-pass-7').toString('base64')}` })).status, 200);
  assert.is((await byId({})).status, 401, 'the registry does require the login');
});

login('a wrong password, or none: one line with HTTP 401 and where to look, the password never in it', async ({ registry, certs }) => {
  for (const userInfo of ['loader:wrong-pass-8', undefined]) {
    const message = await failureOf(registry!.url, { 'schema.registry.ssl.ca.location': certs!.caCert, ...(userInfo === undefined ? {} : { 'basic.auth.user.info': userInfo }) });
    assert.match(message, /^schema registry https:\/\/127\.0\.0\.1:\d+\/apis\/ccompat\/v7 answered HTTP 401 to registering subject "login-value".* \(check basic\.auth\.user\.info or bearer\.auth\.token in the connection settings\)$/);
    assert.not.match(message, /wrong-pass-8/);
  }
});

login('an unrelated CA, or no CA file: the TLS check fails in one line naming the registry; a CA file that is not there is named', async ({ registry, certs }) => {
  assert.match(await failureOf(registry!.url, { ...kLogin, 'schema.registry.ssl.ca.location': certs!.otherCaCert }), /^schema registry https:\/\/127\.0\.0\.1:\d+\/apis\/ccompat\/v7 cannot be reached \([A-Z_]+\)$/);
  assert.match(await failureOf(registry!.url, kLogin), /cannot be reached \([A-Z_]+\)$/);
  assert.match(await failureOf(registry!.url, { ...kLogin, 'schema.registry.ssl.ca.location': join(certs!.dir, 'missing.pem') }), /^schema\.registry\.ssl\.ca\.location .*missing\.pem cannot be read \(ENOENT\)$/);
});

login.run();
