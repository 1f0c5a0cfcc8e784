import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StampedeError } from '../errors.js';
import { configsDir } from '../paths.js';

/** Reads a Java-style .properties profile: key=value lines, # and ! comments. */
export function readProfile(profile: string): Record<string, string> {
  const path = join(configsDir, 'profiles', `${profile}.properties`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new StampedeError('E_OPTION', `--profile ${profile}: no settings file at ${path}`);
  }
  const settings: Record<string, string> = {};
  for (const [lineNumber, rawLine] of text.split('\n').entries()) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new StampedeError('E_OPTION', `${path}:${lineNumber + 1}: expected key=value (got ${JSON.stringify(line)})`);
    settings[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return settings;
}

/** Profile, then --producer-props, then the brokers: the librdkafka settings a run uses, as recorded in the result. */
export function librdkafkaSettings(profile: string, overrides: Record<string, string>, brokers: string): Record<string, string> {
  return { ...readProfile(profile), ...overrides, 'bootstrap.servers': brokers, 'client.id': 'stampede' };
}
