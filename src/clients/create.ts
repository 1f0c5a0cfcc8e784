import { loadNative } from '../native/load.js';
import { NativeClient } from './native-client.js';
import { NodeRdkafkaClient, requireNodeRdkafka } from './node-rdkafka-client.js';
import { NullClient } from './null-client.js';
import type { ClientContext, ProducerClient } from './types.js';

export type ClientName = 'native' | 'node-rdkafka' | 'null';

/** Clients that only work on the process's main thread, hence in one producer per process. */
export const MAIN_THREAD_CLIENTS: ReadonlySet<ClientName> = new Set(['node-rdkafka']);

/** The librdkafka version a client runs on, for the result; null for the null client. */
export function librdkafkaVersionOf(name: ClientName): string | null {
  switch (name) {
    case 'native':
      return loadNative().librdkafkaVersion();
    case 'node-rdkafka':
      // Only ever on the main thread, where this client runs too (see node-rdkafka-client.ts).
      return requireNodeRdkafka<{ librdkafkaVersion: string }>().librdkafkaVersion;
    case 'null':
      return null;
  }
}

export function createClient(name: ClientName, context: ClientContext): ProducerClient {
  switch (name) {
    case 'native':
      return new NativeClient(context);
    case 'null':
      return new NullClient(context);
    case 'node-rdkafka':
      return new NodeRdkafkaClient(context);
  }
}
