/**
 * Kafka's murmur2 key hash (org.apache.kafka.common.utils.Utils.murmur2: MurmurHash2 with seed
 * 0x9747b28c, little-endian 4-byte blocks) and the partition the Java client's default partitioner
 * picks for a keyed record: toPositive(murmur2(key)) % partitions. librdkafka's `murmur2_random`
 * partitioner computes the same, so a key lands on the same partition from Java, librdkafka and here.
 */
const kSeed = 0x9747b28c;
const kM = 0x5bd1e995;

/** Signed 32-bit hash of `length` bytes of `bytes` from `offset`, exactly as Java's int result. */
export function murmur2(bytes: Uint8Array, offset = 0, length = bytes.length - offset): number {
  let h = (kSeed ^ length) | 0;
  const blocksEnd = offset + (length & ~3);
  let at = offset;
  for (; at < blocksEnd; at += 4) {
    let k = bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
    k = Math.imul(k, kM);
    k ^= k >>> 24;
    k = Math.imul(k, kM);
    h = Math.imul(h, kM) ^ k;
  }
  // The tail, as Java's falling-through switch: xor in the 1–3 remaining bytes, then one multiply.
  const tail = length & 3;
  if (tail > 0) {
    if (tail === 3) h ^= bytes[at + 2]! << 16;
    if (tail >= 2) h ^= bytes[at + 1]! << 8;
    h ^= bytes[at]!;
    h = Math.imul(h, kM);
  }
  h ^= h >>> 13;
  h = Math.imul(h, kM);
  h ^= h >>> 15;
  return h;
}

/** Kafka's Utils.toPositive: clears the sign bit (not Math.abs, which differs for negatives). */
export const toPositive = (hash: number): number => hash & 0x7fffffff;

/** The partition Kafka's default partitioner chooses for a keyed record. */
export function partitionFor(keyBytes: Uint8Array, partitions: number, offset = 0, length = keyBytes.length - offset): number {
  return toPositive(murmur2(keyBytes, offset, length)) % partitions;
}

// One scratch buffer per thread (module state is per worker), grown rarely: keys are short ids.
let scratch = new Uint8Array(64);

/**
 * partitionFor over an ASCII key (e.g. a decimal device id) without encoding it into a new buffer:
 * its characters are copied into a reused scratch array. Non-ASCII keys must go through bytes.
 */
export function partitionForAsciiKey(key: string, partitions: number): number {
  const length = key.length;
  if (length > scratch.length) scratch = new Uint8Array(Math.max(length, scratch.length * 2));
  for (let i = 0; i < length; i++) scratch[i] = key.charCodeAt(i);
  return toPositive(murmur2(scratch, 0, length)) % partitions;
}
