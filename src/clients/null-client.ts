import { unpackBatch, type RecordBatch } from '../records/batch.js';
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
    if (this.context.trackLatency) {
      const ackedAfterUs = (performance.now() - batch.handedAtMs) * 1000;
      if (batch.fromIntended) {
        // Each record from its own schedule: its lateness at hand-over plus the hand-over itself.
        // Never clamped: a record handed before its time would show as a negative, counted apart.
        for (const record of unpackBatch(batch.packed, this.context.traceRunId !== undefined)) region.recordLatencyUs(batch.handedAtWallUs - record.intendedSendUs + ackedAfterUs);
      } else {
        region.recordLatencyUs(ackedAfterUs, batch.count);
      }
    }
    region.addAcked(batch.count, batch.payloadBytes);
  }

  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}
