import type { RecordBatch } from '../records/batch.js';
import type { ClientContext, ProducerClient } from './types.js';

/**
 * An in-process sink that acknowledges each batch at once: the micro baseline, which measures the
 * generator, encoder and bookkeeping with no client library, network or broker in the way.
 */
export class NullClient implements ProducerClient {
  readonly name = 'null';
  constructor(private readonly context: ClientContext) {}

  async connect(): Promise<void> {}

  async send(batch: RecordBatch): Promise<void> {
    const { region } = this.context;
    if (this.context.trackLatency) region.recordLatencyUs((performance.now() - batch.handedAtMs) * 1000, batch.count);
    region.addAcked(batch.count, batch.payloadBytes);
  }

  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}
