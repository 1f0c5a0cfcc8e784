/**
 * Confluent's wire format, which every registry-aware deserializer reads: magic byte 0, the schema
 * id as a 4-byte big-endian integer, then (Protobuf only) the index path of the message in its
 * file, then the body.
 */
export const kMagicByte = 0;

/** The bytes before each Avro body. */
export function confluentPrefix(schemaId: number, messageIndexes?: readonly number[]): number[] {
  const indexes = messageIndexes === undefined ? [] : encodeMessageIndexes(messageIndexes);
  return [kMagicByte, (schemaId >>> 24) & 0xff, (schemaId >>> 16) & 0xff, (schemaId >>> 8) & 0xff, schemaId & 0xff, ...indexes];
}

/**
 * The message-index list: a zig-zag varint count, then each index as a zig-zag varint; the first
 * message of the file ([0]) is written as the single byte 0, as Confluent's serializers do.
 */
export function encodeMessageIndexes(indexes: readonly number[]): number[] {
  if (indexes.length === 1 && indexes[0] === 0) return [0];
  const out: number[] = [];
  for (const value of [indexes.length, ...indexes]) writeZigZagVarint(out, value);
  return out;
}

function writeZigZagVarint(out: number[], value: number): void {
  let rest = value >= 0 ? value * 2 : -value * 2 - 1;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
}
