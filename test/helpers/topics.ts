import { withClusterAdmin } from '../../src/clients/admin.js';
import { resolveConnection } from '../../src/connection/config.js';

/** Creates a topic on a test broker (PLAINTEXT, or with the given connection settings) and waits for its leaders. */
export async function createTestTopic(bootstrap: string, topic: string, partitions: number, settings: Record<string, string> = {}): Promise<number> {
  const connection = resolveConnection({ brokers: bootstrap, commandProperties: settings });
  const ensured = await withClusterAdmin(connection, (admin) => admin.ensureTopic({ topic, partitions, timeoutMs: 30_000 }));
  return ensured.partitions;
}

/** The librdkafka settings of a test client: bootstrap.servers and client.id as a run would give them. */
export const connectionSettings = (bootstrap: string): Record<string, string> => ({ ...resolveConnection({ brokers: bootstrap }).settings });
