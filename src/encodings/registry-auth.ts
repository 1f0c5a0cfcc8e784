import { registerSecret } from '../connection/redact.js';
import { StampedeError } from '../errors.js';

/**
 * The Authorization header for the registry, from Confluent's property names in the run's
 * connection file: basic.auth.credentials.source (USER_INFO, URL, SASL_INHERIT) with
 * basic.auth.user.info, or bearer.auth.token; each also under a schema.registry. prefix.
 */
export function registryAuthorization(registry: Readonly<Record<string, string>>, kafka: Readonly<Record<string, string>>, url: URL): string | undefined {
  const setting = (key: string): string | undefined => registry[key] ?? registry[`schema.registry.${key}`];
  const bearer = setting('bearer.auth.token');
  if (bearer !== undefined) {
    registerSecret(bearer);
    return `Bearer ${bearer}`;
  }
  const userInfo = setting('basic.auth.user.info');
  const source = (setting('basic.auth.credentials.source') ?? (userInfo !== undefined ? 'USER_INFO' : url.username !== '' ? 'URL' : 'NONE')).toUpperCase();
  switch (source) {
    case 'NONE':
      return undefined;
    case 'USER_INFO':
      if (userInfo === undefined) throw new StampedeError('E_OPTION', 'basic.auth.credentials.source=USER_INFO needs basic.auth.user.info=<user>:<password> in the connection settings');
      return basic(userInfo);
    case 'URL':
      if (url.username === '') throw new StampedeError('E_OPTION', 'basic.auth.credentials.source=URL needs the user and password in the --schema-registry URL (http://user:password@host:port)');
      return basic(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`);
    case 'SASL_INHERIT': {
      const user = kafka['sasl.username'];
      const password = kafka['sasl.password'];
      if (user === undefined || password === undefined) throw new StampedeError('E_OPTION', 'basic.auth.credentials.source=SASL_INHERIT needs a SASL PLAIN or SCRAM login (sasl.jaas.config, or sasl.username and sasl.password) in the connection settings');
      return basic(`${user}:${password}`);
    }
    default:
      throw new StampedeError('E_OPTION', `basic.auth.credentials.source must be USER_INFO, URL or SASL_INHERIT (got ${JSON.stringify(source)})`);
  }
}

function basic(userInfo: string): string {
  const colon = userInfo.indexOf(':');
  if (colon < 0) throw new StampedeError('E_OPTION', 'basic.auth.user.info must be <user>:<password>');
  registerSecret(userInfo);
  registerSecret(userInfo.slice(colon + 1));
  const token = Buffer.from(userInfo, 'utf8').toString('base64');
  registerSecret(token);
  return `Basic ${token}`;
}
