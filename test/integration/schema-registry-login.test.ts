import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { planValueSchema, registerValueSchema } from '../../src/encodings/value-schema.js';
import { redactText } from '../../src/connection/redact.js';
import { StampedeError } from '../../src/errors.js';
import { startTestRegistry, type TestRegistry } from '../helpers/registry.js';
import { weatherShape } from '../helpers/weather-shape.js';

const login = suite<{ registry?: TestRegistry }>('a schema registry behind a login (Apicurio with basic auth)');

login.before(async (context) => {
  context.registry = await startTestRegistry({ users: { loader: 'reg-pass-7' } });
});

login.after((context) => {
  context.registry?.stop();
});

const planned = planValueSchema({ encoding: 'avro', shape: weatherShape });

login('basic.auth.user.info from the connection settings: registered, and the registry knows the schema by that id', async ({ registry }) => {
  const registered = await registerValueSchema(planned, { url: registry!.url, topic: 'login', strategy: 'topic', registrySettings: { 'basic.auth.credentials.source': 'USER_INFO', 'basic.auth.user.info': 'loader:reg-pass-7' } });
  const answer = await fetch(`${registry!.url}/schemas/ids/${registered.schemaId}`, { headers: { Authorization: `Basic ${Buffer.from('loader:reg-pass-7').toString('base64')}` } });
  assert.is(answer.status, 200);
  assert.is((await fetch(`${registry!.url}/schemas/ids/${registered.schemaId}`)).status, 401, 'the registry does require the login');
});

login('a wrong password, or none: one line with HTTP 401 and where to look, the password never in it', async ({ registry }) => {
  const wrongOrNone: Record<string, string>[] = [{ 'basic.auth.user.info': 'loader:wrong-pass-8' }, {}];
  for (const registrySettings of wrongOrNone) {
    let failure: unknown;
    try {
      await registerValueSchema(planned, { url: registry!.url, topic: 'login', strategy: 'topic', registrySettings });
    } catch (err) {
      failure = err;
    }
    assert.instance(failure, StampedeError);
    const message = redactText((failure as StampedeError).message);
    assert.match(message, /schema registry http:\/\/127\.0\.0\.1:\d+\/apis\/ccompat\/v7 answered HTTP 401 to registering subject "login-value".* \(check basic\.auth\.user\.info or bearer\.auth\.token in the connection settings\)/);
    assert.not.match((failure as StampedeError).message, /wrong-pass-8/);
  }
});

login.run();
