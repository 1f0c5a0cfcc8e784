/**
 * A device model as checked from its file: plain data (structured-clone friendly), so the main
 * thread validates it once and each producer thread compiles it into its own generators.
 */
export type TimeUnit = 'ms' | 'us' | 'iso';

/** A generator of numbers, as walks and daily curves take for their start, step and base. */
export type NumberGen =
  | { gen: 'constant'; value: number }
  | { gen: 'uniform'; min: number; max: number; round?: number }
  | { gen: 'normal'; mean: number; sd: number; min?: number; max?: number; round?: number };

export type FieldGen =
  | { gen: 'device'; template?: string }
  | { gen: 'seq' }
  | { gen: 'constant'; value: string | number | boolean }
  | { gen: 'uniform'; min: number; max: number; round?: number }
  | { gen: 'normal'; mean: number; sd: number; min?: number; max?: number; round?: number }
  | { gen: 'choice'; values: { value: string; weight: number }[] }
  | { gen: 'walk'; start: NumberGen; step: NumberGen; min?: number; max?: number; round?: number }
  | { gen: 'states'; initial: string; states: string[]; transitions: number[][] }
  | { gen: 'time'; unit: TimeUnit }
  | { gen: 'daily'; base: NumberGen; hours: number[]; round?: number }
  | { gen: 'array'; count: number; items: FieldGen }
  | { gen: 'object'; fields: { name: string; gen: FieldGen }[] };

export const kEncodings = ['json', 'msgpack', 'text', 'avro', 'protobuf'] as const;
export type ModelEncoding = (typeof kEncodings)[number];

/** Where a record's key comes from: the device id in decimal, no key, or a field's value. */
export type ModelKey = { from: 'device' } | { from: 'null' } | { from: 'field'; path: string[] };

export interface ModelSpec {
  /** the file it was read from (or the built-in name's file), for messages */
  file: string;
  /** a model served by a built-in simulator instead of the field generators (`builtin: iot`) */
  builtin?: 'iot';
  key: ModelKey;
  encoding: ModelEncoding;
  /** share of devices that send, (0, 1] */
  active: number;
  /** per-device rate weights: weight → share of devices having it (shares sum to 1) */
  weights: { weight: number; share: number }[];
  /** the text encoding's template: literal text and field paths */
  template?: TemplatePart[];
  /** avro: the user's .avsc the values must fill (absent: derived from the fields); protobuf: the .proto (path as resolved from the model file's folder) */
  schema?: string;
  /** protobuf: the message of `schema` to send (optional when the file declares one) */
  message?: string;
  /** the value's top-level fields, in order */
  fields: { name: string; gen: FieldGen }[];
}

export type TemplatePart = { text: string } | { path: string[] };
