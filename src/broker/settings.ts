import { StampedeError } from '../errors.js';

/**
 * What a caller may add to the local broker beyond configs/broker/server.properties: more
 * listeners (TLS, SASL), any broker property, and SCRAM users written into the metadata log when
 * the storage is formatted (Kafka has no other way to create SCRAM users before the first start).
 * The PLAINTEXT and CONTROLLER listeners of the template always stay: the readiness check, the
 * controller and inter-broker traffic use them.
 */
export interface BrokerListener {
  /** Listener name, e.g. SASL_SSL or SSL (per-listener properties are `listener.name.<lower>.…`). */
  name: string;
  port: number;
  protocol: 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
  /** Host it binds to and advertises; default 127.0.0.1. */
  host?: string;
}

export interface ScramUser {
  mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  name: string;
  password: string;
}

export interface BrokerExtras {
  listeners?: BrokerListener[];
  /** Set or override any broker property; values are written as given (escaped for .properties). */
  properties?: Record<string, string>;
  scramUsers?: ScramUser[];
}

const kReservedListeners = new Set(['PLAINTEXT', 'CONTROLLER']);

/** Appends the caller's listeners to the three listener lists and sets the extra properties. */
export function renderServerProperties(template: string, extras: BrokerExtras = {}): string {
  const listeners = extras.listeners ?? [];
  const names = new Set<string>();
  for (const listener of listeners) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(listener.name) || kReservedListeners.has(listener.name) || names.has(listener.name)) {
      throw new StampedeError('E_LOCAL_BROKER', `extra broker listener name ${JSON.stringify(listener.name)} must be upper case, unique, and not PLAINTEXT or CONTROLLER`);
    }
    names.add(listener.name);
  }
  const appended: Record<string, string[]> = {
    listeners: listeners.map((l) => `${l.name}://${l.host ?? '127.0.0.1'}:${l.port}`),
    'advertised.listeners': listeners.map((l) => `${l.name}://${l.host ?? '127.0.0.1'}:${l.port}`),
    'listener.security.protocol.map': listeners.map((l) => `${l.name}:${l.protocol}`),
  };
  const overrides = new Map(Object.entries(extras.properties ?? {}));
  for (const key of Object.keys(appended)) {
    if (overrides.has(key)) throw new StampedeError('E_LOCAL_BROKER', `set ${key} through extra listeners, not as a property`);
  }
  const lines = template.split('\n').map((line) => {
    const match = /^([A-Za-z0-9_.-]+)=(.*)$/.exec(line);
    if (!match) return line;
    const key = match[1]!;
    const more = appended[key];
    if (more !== undefined && more.length > 0) return `${key}=${[match[2]!, ...more].join(',')}`;
    if (overrides.has(key)) {
      const value = overrides.get(key)!;
      overrides.delete(key);
      return `${key}=${escapeValue(value)}`;
    }
    return line;
  });
  if (overrides.size > 0) {
    if (lines.at(-1) === '') lines.pop();
    lines.push('', '# Added by the caller of startLocalBroker.');
    for (const [key, value] of overrides) lines.push(`${key}=${escapeValue(value)}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** `--add-scram` arguments for kafka.tools.StorageTool format. */
export function scramFormatArgs(users: ScramUser[] = []): string[] {
  return users.flatMap((user) => {
    // StorageTool splits the bracketed list on commas and '='; such characters cannot be quoted there.
    if (!/^[A-Za-z0-9_.@-]+$/.test(user.name) || /[,=\[\]"\s]/.test(user.password) || user.password === '') {
      throw new StampedeError('E_LOCAL_BROKER', `SCRAM user ${JSON.stringify(user.name)}: name must be [A-Za-z0-9_.@-], password non-empty without , = [ ] " or spaces`);
    }
    return ['--add-scram', `${user.mechanism}=[name=${user.name},password=${user.password}]`];
  });
}

/** java.util.Properties reads a backslash as an escape and a line break as the end of the value. */
const escapeValue = (value: string): string => value.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('\r', '\\r');
