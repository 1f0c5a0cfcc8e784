import type { BatchBuilder } from '../records/batch.js';
import type { RecordContext } from './streams.js';
import type { ModelKey } from './spec.js';

/**
 * Adds a record's header and key to the batch, reserving its value's bytes, and returns where the
 * value goes. The record's identity (device, sequence) goes with it, for a trace outside the value.
 */
export interface KeyWriter {
  /** Notes the key of `value` before its bytes are known (a field key). */
  prepare(value: Record<string, unknown>): void;
  reserve(batch: BatchBuilder, valueBytes: number): number;
}

class DeviceKey implements KeyWriter {
  constructor(private readonly ctx: RecordContext) {}
  prepare(): void {}
  reserve(batch: BatchBuilder, valueBytes: number): number {
    return batch.addDeviceRecord(this.ctx.deviceId, valueBytes, this.ctx.sendUs, this.ctx.seq);
  }
}

class NullKey implements KeyWriter {
  constructor(private readonly ctx: RecordContext) {}
  prepare(): void {}
  reserve(batch: BatchBuilder, valueBytes: number): number {
    return batch.add(null, valueBytes, this.ctx.sendUs, this.ctx.deviceId, this.ctx.seq);
  }
}

/** A field's value as the key, in UTF-8 (numbers in decimal). */
class FieldKey implements KeyWriter {
  private key = '';
  private readonly head: string;
  private readonly rest: string[];

  constructor(
    private readonly ctx: RecordContext,
    path: string[],
    private readonly ascii: boolean,
  ) {
    this.head = path[0]!;
    this.rest = path.slice(1);
  }

  prepare(value: Record<string, unknown>): void {
    let at = value[this.head];
    for (const name of this.rest) at = (at as Record<string, unknown>)[name];
    this.key = String(at);
  }

  reserve(batch: BatchBuilder, valueBytes: number): number {
    const ctx = this.ctx;
    // add() writes a string one byte a character: right for ASCII keys, and no copy.
    if (this.ascii) return batch.add(this.key, valueBytes, ctx.sendUs, ctx.deviceId, ctx.seq);
    return batch.addKeyBytes(Buffer.from(this.key, 'utf8'), valueBytes, ctx.sendUs, ctx.deviceId, ctx.seq);
  }
}

export function keyWriterFor(key: ModelKey, ctx: RecordContext, asciiValues: boolean): KeyWriter {
  if (key.from === 'device') return new DeviceKey(ctx);
  if (key.from === 'null') return new NullKey(ctx);
  return new FieldKey(ctx, key.path, asciiValues);
}
