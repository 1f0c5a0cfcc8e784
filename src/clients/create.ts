import { NodeRdkafkaClient } from './node-rdkafka-client.js';
import { NullClient } from './null-client.js';
import type { ClientContext, ProducerClient } from './types.js';

export type ClientName = 'node-rdkafka' | 'null';

/** Clients that only work on the process's main thread, hence in one producer per process. */
export const MAIN_THREAD_CLIENTS: ReadonlySet<ClientName> = new Set(['node-rdkafka']);

export function createClient(name: ClientName, context: ClientContext): ProducerClient {
  switch (name) {
    case 'null':
      return new NullClient(context);
    case 'node-rdkafka':
      return new NodeRdkafkaClient(context);
  }
}
