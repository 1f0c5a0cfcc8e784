import { Unpackr } from 'msgpackr';
import type { ModelEncoding, ModelSpec } from './spec.js';

/**
 * Where a model's value carries a record's identity: the top-level fields made by the device, seq
 * and time generators. Latency is then measured from that time (to the microsecond with `unit: us`,
 * to the millisecond with `unit: ms`).
 */
export interface ModelIdentity {
  encoding: ModelEncoding;
  deviceField: string;
  /** the device template's text around {id} ("station-{id}": "station-" and "") */
  devicePrefix: string;
  deviceSuffix: string;
  seqField: string;
  timeField: string;
  timeUnit: 'ms' | 'us';
  /** what a schema-bound encoding's decoder needs (the schema and header the producers used), opaque here */
  valueSchema?: unknown;
}

/** Turns one value of a registered encoding back into its plain object. */
export type ValueDecoder = (value: Uint8Array) => Record<string, unknown>;

const decoders = new Map<ModelEncoding, (identity: ModelIdentity) => ValueDecoder>();

/** Lets end-to-end consumers read identity from `encoding`'s values (avro, protobuf): call in every thread that reads them. */
export function registerValueDecoder(encoding: Exclude<ModelEncoding, 'json' | 'msgpack' | 'text'>, factory: (identity: ModelIdentity) => ValueDecoder): void {
  decoders.set(encoding, factory);
}

/** The model's identity fields, or null when its value lacks a device, a seq or a numeric time field. */
export function modelIdentity(model: ModelSpec): ModelIdentity | null {
  const device = model.fields.find((field) => field.gen.gen === 'device');
  const seq = model.fields.find((field) => field.gen.gen === 'seq');
  // The finest time field: µs over ms.
  const times = model.fields.filter((field) => field.gen.gen === 'time' && field.gen.unit !== 'iso');
  const time = times.find((field) => field.gen.gen === 'time' && field.gen.unit === 'us') ?? times[0];
  if (device === undefined || seq === undefined || time === undefined || device.gen.gen !== 'device' || time.gen.gen !== 'time') return null;
  const [devicePrefix, deviceSuffix] = device.gen.template === undefined ? ['', ''] : (device.gen.template.split('{id}') as [string, string]);
  return { encoding: model.encoding, deviceField: device.name, devicePrefix, deviceSuffix, seqField: seq.name, timeField: time.name, timeUnit: time.gen.unit === 'us' ? 'us' : 'ms' };
}

/** Whether a model's own fields carry a record's full identity: device id, seq and send time in µs. */
export const modelCarriesIdentity = (model: ModelSpec): boolean => modelIdentity(model)?.timeUnit === 'us';

/** Whether this build reads identity back from values of the model's encoding. */
export const readsIdentityOf = (encoding: ModelEncoding): boolean => encoding === 'json' || encoding === 'msgpack' || decoders.has(encoding);

/** Reads device, seq and send time (µs) back from a model's values; throws naming what is missing. */
export class ModelIdentityReader {
  private readonly unpackr = new Unpackr({ useRecords: false });
  private readonly timeScale: number;
  private readonly decode: ValueDecoder | undefined;

  constructor(private readonly identity: ModelIdentity) {
    this.timeScale = identity.timeUnit === 'us' ? 1 : 1000;
    this.decode = decoders.get(identity.encoding)?.(identity);
  }

  read(value: Uint8Array, out: { deviceId: number; seq: number; sentAtUs: number }): void {
    const { identity } = this;
    const doc = (
      this.decode !== undefined ? this.decode(value) : identity.encoding === 'json' ? JSON.parse(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8')) : this.unpackr.unpack(value)
    ) as Record<string, unknown>;
    const device = doc[identity.deviceField];
    const seq = doc[identity.seqField];
    const time = doc[identity.timeField];
    const deviceId = typeof device === 'number' ? device : this.deviceIdOf(device);
    if (!Number.isSafeInteger(deviceId) || typeof seq !== 'number' || typeof time !== 'number') throw new Error(`value lacks ${identity.deviceField}, ${identity.seqField} or ${identity.timeField} as the model writes them`);
    out.deviceId = deviceId;
    out.seq = seq;
    out.sentAtUs = time * this.timeScale;
  }

  private deviceIdOf(device: unknown): number {
    const { devicePrefix, deviceSuffix } = this.identity;
    if (typeof device !== 'string' || !device.startsWith(devicePrefix) || !device.endsWith(deviceSuffix)) return NaN;
    const digits = device.slice(devicePrefix.length, device.length - deviceSuffix.length);
    return /^\d+$/.test(digits) ? Number(digits) : NaN;
  }
}
