/**
 * The shape of a device model's value, as the encodings that need a schema (Avro, Protobuf) and
 * the schema derived from a model see it. A value is a plain object of this shape: numbers as JS
 * numbers (an `int` or `long` holds an integer), strings, booleans, arrays and nested objects.
 */
export type ValueShape =
  | { type: 'string' }
  | { type: 'int' }
  | { type: 'long' }
  | { type: 'double' }
  | { type: 'boolean' }
  | { type: 'enum'; symbols: string[] }
  | { type: 'record'; name: string; fields: { name: string; shape: ValueShape }[] }
  | { type: 'array'; items: ValueShape };

/** Turns one model value into its bytes (one instance per producer thread). */
export interface ValueEncoder {
  /** The bytes may be a view of the encoder's own buffer: valid until the next call, so copy them before encoding another value. */
  encode(value: Record<string, unknown>): Uint8Array;
}
