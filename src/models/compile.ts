import type { ValueShape } from '../records/value-shape.js';
import { compileField, type Generate } from './generators.js';
import { unrolledFill } from './unrolled.js';
import { DeviceSchedule } from './schedule.js';
import { modelValueShape } from './shape.js';
import { RecordContext } from './streams.js';
import type { ModelSpec } from './spec.js';

/**
 * A model compiled for one shard of devices: a schedule of which device sends next, each device's
 * sequence, and the value's generators as closures over flat per-device state. `advance` fills the
 * context (device, seq, send time) and the top-level field values into `slots` (an array: indexed
 * stores, where an object's would be keyed by a name that changes each field); `value()` gives the
 * record as a plain object for encoders that take one. Both are reused: valid until the next record.
 */
export class CompiledModel {
  readonly ctx: RecordContext;
  readonly schedule: DeviceSchedule;
  readonly shape: ValueShape;
  /** records sent per device of the shard: each device's next sequence number */
  private readonly seqs: Float64Array;
  /** the current record's top-level field values, in the model's field order */
  readonly slots: unknown[];
  private readonly fill: () => void;
  private readonly names: string[];
  private readonly object: Record<string, unknown> = {};

  constructor(
    readonly spec: ModelSpec,
    shard: { firstDevice: number; deviceCount: number },
    seed: number,
  ) {
    this.ctx = new RecordContext(shard.firstDevice, shard.deviceCount, seed);
    this.schedule = new DeviceSchedule(spec, seed, shard.firstDevice, shard.deviceCount);
    this.seqs = new Float64Array(shard.deviceCount);
    this.names = spec.fields.map((field) => field.name);
    this.slots = this.names.map(() => null);
    this.fill = unrolledFill(spec.fields.map((field): Generate => compileField(field.gen, this.ctx)), this.slots);
    for (const name of this.names) this.object[name] = null; // every key from the start: one hidden class
    this.shape = modelValueShape(spec);
  }

  advance(sendUs: number): void {
    const ctx = this.ctx;
    const index = this.schedule.next();
    ctx.deviceIndex = index;
    ctx.deviceId = ctx.firstDevice + index;
    ctx.seq = this.seqs[index]!++;
    ctx.sendUs = sendUs;
    this.fill();
  }

  /** The current record as a plain object (one object, refilled each call). */
  value(): Record<string, unknown> {
    const { object, names, slots } = this;
    for (let i = 0; i < names.length; i++) object[names[i]!] = slots[i];
    return object;
  }

  /** The next record's value: advance() then value(). */
  next(sendUs: number): Record<string, unknown> {
    this.advance(sendUs);
    return this.value();
  }

  /** Reads the field at `path` (top-level name, then nested names) of the current record. */
  reader(path: string[]): () => unknown {
    const index = this.names.indexOf(path[0]!);
    const rest = path.slice(1);
    const slots = this.slots;
    if (rest.length === 0) return () => slots[index];
    return () => {
      let at = slots[index];
      for (const name of rest) at = (at as Record<string, unknown>)[name];
      return at;
    };
  }
}
