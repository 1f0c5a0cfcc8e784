import { isSensitiveKey, registerSecret } from './redact.js';

/**
 * Users bring their Java client.properties. Most keys mean the same to librdkafka; these do not:
 * `sasl.jaas.config` is translated, and Java-only keys get one line saying what to use instead.
 */
export interface Translation {
  settings: Record<string, string>;
  /** Lines for the user: what was translated or dropped, never a secret value. */
  notices: string[];
}

/** A Java-only key, and what a librdkafka user writes instead. */
const kJavaOnly: Record<string, string> = {
  'ssl.truststore.location': 'librdkafka does not read Java truststores: give the CA certificate as a PEM file with ssl.ca.location (keytool -exportcert -rfc -keystore <truststore> -alias <ca> > ca.pem)',
  'ssl.truststore.password': 'librdkafka does not read Java truststores: give the CA certificate as a PEM file with ssl.ca.location',
  'ssl.truststore.type': 'librdkafka does not read Java truststores: give the CA certificate as a PEM file with ssl.ca.location',
  'ssl.truststore.certificates': 'give the CA certificate as a PEM file with ssl.ca.location, or inline with ssl.ca.pem',
  'ssl.keystore.certificate.chain': 'use ssl.certificate.pem (or ssl.certificate.location) for the client certificate',
  'ssl.keystore.key': 'use ssl.key.pem (or ssl.key.location) for the client key',
  'ssl.protocol': 'librdkafka negotiates the TLS version itself; remove it',
  'ssl.enabled.protocols': 'librdkafka negotiates the TLS version itself; remove it (ssl.cipher.suites narrows ciphers)',
  'ssl.keymanager.algorithm': 'Java-only; remove it',
  'ssl.trustmanager.algorithm': 'Java-only; remove it',
  'sasl.client.callback.handler.class': 'Java-only; librdkafka has no pluggable SASL callbacks',
  'sasl.kerberos.service.name.class': 'Java-only; remove it',
};

const kLoginModules = {
  plain: 'org.apache.kafka.common.security.plain.PlainLoginModule',
  scram: 'org.apache.kafka.common.security.scram.ScramLoginModule',
  oauthbearer: 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule',
} as const;

const kOidcHandler = /OAuthBearerLoginCallbackHandler$/;

/**
 * Translates Java client settings into librdkafka's. `where` names the source in messages (a file
 * path, or --command-property). Throws through `fail` naming the key; never includes a value.
 */
export function translateJavaSettings(input: Readonly<Record<string, string>>, where: string, fail: (message: string) => never): Translation {
  const settings: Record<string, string> = {};
  const notices: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (key in kJavaOnly) fail(`${where}: ${key} is a Java client setting: ${kJavaOnly[key]}`);
    if (key === 'sasl.jaas.config') {
      Object.assign(settings, translateJaas(value, where, fail));
      notices.push(`${where}: sasl.jaas.config translated to librdkafka's sasl.* settings`);
    } else if (key === 'ssl.keystore.type') {
      // librdkafka's ssl.keystore.location is PKCS#12; PEM files go by other names.
      if (value.toUpperCase() === 'JKS') fail(`${where}: ssl.keystore.type=JKS: librdkafka reads PKCS#12 keystores (ssl.keystore.location) or PEM (ssl.certificate.location with ssl.key.location); convert with keytool -importkeystore -deststoretype PKCS12`);
      if (value.toUpperCase() === 'PEM') fail(`${where}: ssl.keystore.type=PEM: give the PEM files as ssl.certificate.location and ssl.key.location`);
    } else if (key === 'sasl.login.callback.handler.class') {
      if (!kOidcHandler.test(value)) fail(`${where}: sasl.login.callback.handler.class is Java-only; librdkafka has no pluggable login callbacks`);
      settings['sasl.oauthbearer.method'] = 'oidc';
    } else if (key === 'ssl.endpoint.identification.algorithm' && value === '') {
      // Java's empty value turns host name verification off; librdkafka spells it "none".
      settings[key] = 'none';
    } else {
      settings[key] = value;
    }
  }
  return { settings, notices };
}

/** `Module required key="value" key2="value2";` → librdkafka settings. */
export function translateJaas(text: string, where: string, fail: (message: string) => never): Record<string, string> {
  const match = /^\s*([\w.$]+)\s+(required|requisite|sufficient|optional)\b([\s\S]*?);?\s*$/.exec(text);
  if (!match) fail(`${where}: sasl.jaas.config is not of the form "<LoginModule> required key=\\"value\\" …;"`);
  const [, module, , rest] = match;
  const options = parseJaasOptions(rest!, where, fail);
  switch (module) {
    case kLoginModules.plain:
    case kLoginModules.scram: {
      if (options['username'] === undefined || options['password'] === undefined) {
        fail(`${where}: sasl.jaas.config with ${module!.split('.').pop()} needs username="…" and password="…"`);
      }
      return { 'sasl.username': options['username'], 'sasl.password': options['password'] };
    }
    case kLoginModules.oauthbearer: {
      const out: Record<string, string> = {};
      const clientId = options['clientId'] ?? options['client_id'];
      const clientSecret = options['clientSecret'] ?? options['client_secret'];
      if (clientId !== undefined) out['sasl.oauthbearer.client.id'] = clientId;
      if (clientSecret !== undefined) out['sasl.oauthbearer.client.secret'] = clientSecret;
      if (options['scope'] !== undefined) out['sasl.oauthbearer.scope'] = options['scope'];
      // The unsecured-JWT login (tests, development clusters): librdkafka's built-in handler, which
      // it installs only when enable.sasl.oauthbearer.unsecure.jwt is set; without it no token is
      // ever made and the login waits until the connection times out.
      const unsecured = Object.entries(options).filter(([name]) => name.startsWith('unsecuredLogin'));
      if (unsecured.length > 0) {
        out['enable.sasl.oauthbearer.unsecure.jwt'] = 'true';
        out['sasl.oauthbearer.config'] = unsecured.map(([name, value]) => `${unsecuredOption(name, where, fail)}=${value}`).join(' ');
      }
      return out;
    }
    default:
      return fail(`${where}: sasl.jaas.config with ${module}: librdkafka supports PlainLoginModule, ScramLoginModule and OAuthBearerLoginModule (GSSAPI: set sasl.kerberos.* instead)`);
  }
}

/** Java's unsecured-JWT login options → librdkafka's sasl.oauthbearer.config names. */
function unsecuredOption(name: string, where: string, fail: (message: string) => never): string {
  const fixed: Record<string, string> = {
    unsecuredLoginStringClaim_sub: 'principal',
    unsecuredLoginPrincipalClaimName: 'principalClaimName',
    unsecuredLoginStringClaim_scope: 'scope',
    unsecuredLoginListClaim_scope: 'scope',
    unsecuredLoginScopeClaimName: 'scopeClaimName',
    unsecuredLoginLifetimeSeconds: 'lifeSeconds',
  };
  if (fixed[name] !== undefined) return fixed[name];
  const extension = /^unsecuredLoginExtension_(\w+)$/.exec(name);
  if (extension) return `extension_${extension[1]}`;
  return fail(`${where}: sasl.jaas.config option ${name} has no librdkafka equivalent (sasl.oauthbearer.config takes principal, scope, lifeSeconds, extension_*)`);
}

/**
 * A malformed line is named by the option names read before the fault, never by its text: any
 * part of it (an unquoted value, an unterminated quote, the tail) may be the password.
 */
function parseJaasOptions(text: string, where: string, fail: (message: string) => never): Record<string, string> {
  const options: Record<string, string> = {};
  const pattern = /\s*([\w.$-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s";]+))/y;
  let at = 0;
  const trimmed = text.replace(/[\s;]+$/, '');
  while (at < trimmed.length) {
    pattern.lastIndex = at;
    const match = pattern.exec(trimmed);
    if (!match) {
      const read = Object.keys(options);
      const position = read.length === 0 ? 'before its first option' : `after ${read.map((name) => `${name}=…`).join(' ')}`;
      fail(`${where}: sasl.jaas.config: cannot read its options ${position} (each is key="value"; values are not shown)`);
    }
    const value = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3]!;
    // Registered as read, so a message about a later fault (here or in librdkafka) is redacted too.
    if (isSensitiveKey(match[1]!)) registerSecret(value);
    options[match[1]!] = value;
    at = pattern.lastIndex;
  }
  return options;
}
