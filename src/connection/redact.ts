/**
 * Secrets never leave the process in clear: not in JSON results, printed settings, notices or error
 * messages (librdkafka's "property rejected" errors echo the value). Settings are redacted by key;
 * free text by the values of every secret this process was given (registered where they enter).
 */
export const kRedacted = '[redacted]';

/**
 * librdkafka's sensitive properties (sasl.password, sasl.oauthbearer.client.secret,
 * sasl.oauthbearer.config, ssl.key.password, ssl.key.pem, ssl.keystore.password,
 * ssl.certificate.pem's private key neighbours, …), Java's sasl.jaas.config, a schema registry's
 * basic.auth.user.info (user:password), and anything named like a credential.
 */
const kSensitiveKey = /password|secret|token|jaas|key\.pem|passphrase|private\.key|sasl\.oauthbearer\.config|credential|user\.info/i;

export const isSensitiveKey = (key: string): boolean => kSensitiveKey.test(key);

/** A copy with the value of every sensitive key replaced by `[redacted]`. */
export function redactSettings(settings: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings)) out[key] = isSensitiveKey(key) ? kRedacted : value;
  return out;
}

// Secret values seen by this process (per thread: a worker registers what it is given).
const secrets = new Set<string>();

/** Remembers the sensitive values of `settings`, so redactText removes them from any message. */
export function registerSecrets(settings: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(settings)) {
    if (isSensitiveKey(key)) registerSecret(value);
  }
}

export function registerSecret(value: string): void {
  // A one- or two-character "secret" would shred every message it occurs in; such a value is not
  // one anybody relies on, and its key is still redacted wherever settings are written.
  if (value.length >= 3) secrets.add(value);
}

/** `text` with every registered secret value replaced by `[redacted]`. */
export function redactText(text: string): string {
  let out = text;
  // Longest first: a secret that contains another (a password and its prefix) goes whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (out.includes(secret)) out = out.split(secret).join(kRedacted);
  }
  return out;
}

/** A copy of a JSON-like value with every string redacted, and every sensitive key's value too. */
export function redactDeep<T>(value: T): T {
  return walk(value, undefined) as T;
}

function walk(value: unknown, key: string | undefined): unknown {
  if (typeof value === 'string') return key !== undefined && isSensitiveKey(key) ? kRedacted : redactText(value);
  if (Array.isArray(value)) return value.map((item) => walk(item, undefined));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) out[name] = walk(item, name);
    return out;
  }
  return value;
}
