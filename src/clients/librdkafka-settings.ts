import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StampedeError } from '../errors.js';
import { configsDir } from '../paths.js';
import { parseProperties } from '../connection/properties.js';
import { registerSecrets } from '../connection/redact.js';

/** Reads a profile: a Java-style .properties file of librdkafka producer settings. */
export function readProfile(profile: string): Record<string, string> {
  const path = join(configsDir, 'profiles', `${profile}.properties`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new StampedeError('E_OPTION', `--profile ${profile}: no settings file at ${path}`);
  }
  return parseProperties(text, ({ line, reason }) => {
    throw new StampedeError('E_OPTION', `${path}:${line}: ${reason}`);
  });
}

/**
 * The producers' librdkafka settings, as recorded in the result: the profile, then the connection
 * (bootstrap.servers, client.id, security), then --producer-props, which win for producer tuning.
 */
export function librdkafkaSettings(profile: string, producerProps: Readonly<Record<string, string>>, connection: Readonly<Record<string, string>>): Record<string, string> {
  registerSecrets(producerProps);
  return { ...readProfile(profile), ...connection, ...producerProps, 'bootstrap.servers': connection['bootstrap.servers']! };
}
