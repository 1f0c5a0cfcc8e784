/**
 * A Confluent client.properties often carries the schema registry's settings beside Kafka's
 * (schema.registry.url, basic.auth.credentials.source, basic.auth.user.info, …). librdkafka rejects
 * those keys, so they are taken out of the connection here and kept for the registry client.
 */
const kRegistryKey = /^(schema\.registry\.|basic\.auth\.|bearer\.auth\.|(key|value)\.subject\.name\.strategy$)/;

export const isRegistryKey = (key: string): boolean => kRegistryKey.test(key);

/** `settings` split into what librdkafka takes and what the registry client takes. */
export function splitRegistrySettings(settings: Readonly<Record<string, string>>): { kafka: Record<string, string>; registry: Record<string, string> } {
  const kafka: Record<string, string> = {};
  const registry: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (isRegistryKey(key)) registry[key] = value;
    else kafka[key] = value;
  }
  return { kafka, registry };
}
