import { readFileSync } from 'node:fs';
import { StampedeError } from '../errors.js';
import { parseBrokers } from './brokers.js';
import { translateJavaSettings } from './jaas.js';
import { parseProperties } from './properties.js';
import { registerSecrets } from './redact.js';
import { splitRegistrySettings } from './registry-settings.js';

/**
 * The one connection config every client stampede opens shares: the admin client, each producer
 * thread, each e2e consumer, verify, compare and the runs inside bench-max. Security settings
 * (security.protocol, sasl.*, ssl.*) and client.id live here; producer-only tuning does not.
 */
export interface Connection {
  brokers: string;
  /** librdkafka properties: bootstrap.servers, client.id, and the user's security settings. */
  settings: Readonly<Record<string, string>>;
  /** Lines for the user about how the settings were read (never a secret). */
  notices: readonly string[];
  /** The schema registry's settings from the same file (schema.registry.*, basic.auth.*), kept from librdkafka. */
  registry?: Readonly<Record<string, string>>;
}

export interface ConnectionOptions {
  brokers: string;
  /** A Java-style .properties file (--command-config). */
  commandConfig?: string | undefined;
  /** --command-property k=v, over the file. */
  commandProperties?: Readonly<Record<string, string>>;
}

/** client.id when the user gives none: quotas and broker logs are keyed on it, so a user's own wins. */
export const kDefaultClientId = 'stampede';

export function resolveConnection(options: ConnectionOptions): Connection {
  parseBrokers(options.brokers);
  const notices: string[] = [];
  const fail = (message: string): never => {
    throw new StampedeError('E_OPTION', message);
  };
  let fromFile: Record<string, string> = {};
  if (options.commandConfig !== undefined) {
    const path = options.commandConfig;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new StampedeError('E_OPTION', `--command-config ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    const raw = parseProperties(text, ({ line, reason }) => fail(`--command-config ${path}:${line}: ${reason}`));
    // Register before translating, so even a value of a rejected line never reaches a message.
    registerSecrets(raw);
    const translated = translateJavaSettings(raw, `--command-config ${path}`, fail);
    fromFile = translated.settings;
    notices.push(...translated.notices);
  }
  const rawProperties = options.commandProperties ?? {};
  registerSecrets(rawProperties);
  const fromFlags = translateJavaSettings(rawProperties, '--command-property', fail);
  notices.push(...fromFlags.notices);

  const merged: Record<string, string> = { 'client.id': kDefaultClientId, ...fromFile, ...fromFlags.settings };
  registerSecrets(merged);
  const named = merged['bootstrap.servers'];
  if (named !== undefined && named !== options.brokers) {
    notices.push(`bootstrap.servers=${named} from the connection settings is replaced by --brokers ${options.brokers}`);
  }
  merged['bootstrap.servers'] = options.brokers;
  const { kafka, registry } = splitRegistrySettings(merged);
  return { brokers: options.brokers, settings: kafka, notices, registry };
}

/** "SASL_SSL, SCRAM-SHA-512 as alice" — how a connection logs in, for messages (no secret). */
export function describeLogin(settings: Readonly<Record<string, string>>): string {
  const protocol = (settings['security.protocol'] ?? 'plaintext').toUpperCase();
  if (!protocol.startsWith('SASL')) return protocol;
  const mechanism = (settings['sasl.mechanism'] ?? settings['sasl.mechanisms'] ?? 'GSSAPI').toUpperCase();
  const user = settings['sasl.username'];
  return `${protocol}, ${mechanism}${user === undefined ? '' : ` as user ${JSON.stringify(user)}`}`;
}
