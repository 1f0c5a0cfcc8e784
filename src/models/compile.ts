import type { ValueShape } from '../records/value-shape.js';
import { compileObject } from './generators.js';
import { DeviceSchedule } from './schedule.js';
import { modelValueShape } from './shape.js';
import { RecordContext } from './streams.js';
import type { ModelSpec } from './spec.js';

/**
 * A model compiled for one shard of devices: a schedule of which device sends next, each device's
 * sequence, and the value's generators as closures over flat per-device state. `next` fills the
 * context (device, seq, send time) and returns the value: one object reused for every record,
 * valid until the next call.
 */
export class CompiledModel {
  readonly ctx: RecordContext;
  readonly schedule: DeviceSchedule;
  readonly shape: ValueShape;
  /** records sent per device of the shard: each device's next sequence number */
  private readonly seqs: Float64Array;
  private readonly build: () => Record<string, unknown>;

  constructor(
    readonly spec: ModelSpec,
    shard: { firstDevice: number; deviceCount: number },
    seed: number,
  ) {
    this.ctx = new RecordContext(shard.firstDevice, shard.deviceCount, seed);
    this.schedule = new DeviceSchedule(spec, seed, shard.firstDevice, shard.deviceCount);
    this.seqs = new Float64Array(shard.deviceCount);
    this.build = compileObject(spec.fields, this.ctx);
    this.shape = modelValueShape(spec);
  }

  next(sendUs: number): Record<string, unknown> {
    const ctx = this.ctx;
    const index = this.schedule.next();
    ctx.deviceIndex = index;
    ctx.deviceId = ctx.firstDevice + index;
    ctx.seq = this.seqs[index]!++;
    ctx.sendUs = sendUs;
    return this.build();
  }
}
