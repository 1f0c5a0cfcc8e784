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

/** At a fixed rate, the seconds of a producer's records its queue holds at least. */
export const kFixedRateQueueSeconds = 2;
/** …and at most this many records, the bound the throughput profile had before it was measured down. */
const kFixedRateQueueCapRecords = 1_000_000;

/**
 * At max rate a producer keeps its queue full, so the queue bound is latency (depth ÷ rate) and
 * memory: the profiles keep it short. At a fixed rate records go in at their intended time and the
 * queue stays nearly empty, so its bound matters only when the broker pauses: then a short queue
 * fills within a fraction of a second, blocks the sender and makes the run not valid. So a
 * fixed-rate producer's queue holds at least kFixedRateQueueSeconds of its records (up to 1M),
 * unless --producer-props sets the bound.
 */
export function withFixedRateHeadroom(settings: Readonly<Record<string, string>>, producerProps: Readonly<Record<string, string>>, recordsPerSecPerProducer: number): Record<string, string> {
  if (producerProps['queue.buffering.max.messages'] !== undefined) return { ...settings };
  const bound = Number(settings['queue.buffering.max.messages'] ?? 100_000);
  const headroom = Math.min(kFixedRateQueueCapRecords, Math.ceil(recordsPerSecPerProducer * kFixedRateQueueSeconds));
  return headroom > bound ? { ...settings, 'queue.buffering.max.messages': String(headroom) } : { ...settings };
}
