import type { BatchBuilder } from '../records/batch.js';
import type { RecordContext } from './streams.js';
import type { CompiledModel } from './compile.js';
import type { ModelKey } from './spec.js';

/**
 * Adds a record's header and key to the batch, reserving its value's bytes, and returns where the
 * value goes. The record's identity (device, sequence) goes with it, for a trace outside the value.
 */
export interface KeyWriter {
  /** Notes the current record's key before its value's bytes are known (a field key). */
  prepare(): void;
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
  private readonly ctx: RecordContext;
  private readonly read: () => unknown;

  constructor(
    model: CompiledModel,
    path: string[],
    private readonly ascii: boolean,
  ) {
    this.ctx = model.ctx;
    this.read = model.reader(path);
  }

  prepare(): void {
    this.key = String(this.read());
  }

  reserve(batch: BatchBuilder, valueBytes: number): number {
    const ctx = this.ctx;
    // add() writes a string one byte a character: right for ASCII keys, and no copy.
    if (this.ascii) return batch.add(this.key, valueBytes, ctx.sendUs, ctx.deviceId, ctx.seq);
    return batch.addKeyBytes(Buffer.from(this.key, 'utf8'), valueBytes, ctx.sendUs, ctx.deviceId, ctx.seq);
  }
}

export function keyWriterFor(key: ModelKey, model: CompiledModel, asciiValues: boolean): KeyWriter {
  if (key.from === 'device') return new DeviceKey(model.ctx);
  if (key.from === 'null') return new NullKey(model.ctx);
  return new FieldKey(model, key.path, asciiValues);
}
