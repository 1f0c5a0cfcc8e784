import { inflateSync } from 'node:zlib';
import { kCountsLength, kLowestDiscernibleUs, kSignificantDigits } from '../shared/layout.js';

/**
 * Decodes an HdrHistogram V2 compressed base64 string (what encodeHdr writes, and Java, Go and Rust
 * HdrHistogram) into our layout's counts, with every size bounded by that layout. The library's
 * decoder sizes its arrays from the header's own range and inflates without a limit, so a 272 KB
 * field from a broken or hostile result file or agent line took 462 MB; here nothing grows past
 * what a histogram of ours can hold, and anything else is an HdrDecodeError saying why.
 */
export class HdrDecodeError extends Error {}

const kCompressedCookieBase = 0x1c849304;
const kEncodingCookieBase = 0x1c849303;
const kEncodingHeaderBytes = 40;
/** ZigZag LEB128-64b9B: at most 9 bytes a count */
const kMaxWordBytes = 9;
/** The largest payload a histogram of our layout encodes to: every bucket a 9-byte count. */
export const kMaxInflatedBytes = kEncodingHeaderBytes + kCountsLength * kMaxWordBytes;
/** Its base64 after deflate (which may grow incompressible data by a few bytes per 16 KiB block) and the 8-byte compressed header. */
export const kMaxHdrBase64Chars = 4 * Math.ceil((8 + kMaxInflatedBytes + 1024) / 3);

const kBase64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Counts of our layout (bucket i is bucket i of src/shared/layout.ts); '' is an empty histogram. */
export function decodeHdrCounts(base64: string): Float64Array {
  const counts = new Float64Array(kCountsLength);
  if (base64 === '') return counts;
  if (base64.length > kMaxHdrBase64Chars) throw new HdrDecodeError(`${base64.length} characters, more than a histogram of ${kCountsLength} buckets encodes to (${kMaxHdrBase64Chars})`);
  if (base64.length % 4 !== 0 || !kBase64.test(base64)) throw new HdrDecodeError('not base64');
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length < 8 || (bytes.readInt32BE(0) & ~0xf0) !== kCompressedCookieBase) throw new HdrDecodeError('not a compressed HdrHistogram V2 encoding (no cookie)');
  const compressedBytes = bytes.readInt32BE(4);
  if (compressedBytes < 0 || compressedBytes > bytes.length - 8) throw new HdrDecodeError(`says ${compressedBytes} compressed bytes, holds ${bytes.length - 8}`);
  let payload: Buffer;
  try {
    payload = inflateSync(bytes.subarray(8, 8 + compressedBytes), { maxOutputLength: kMaxInflatedBytes });
  } catch (err) {
    throw new HdrDecodeError(/maxOutputLength|too large|larger than|exceed/i.test((err as Error).message) ? `inflates past ${kMaxInflatedBytes} bytes` : `does not inflate (${(err as Error).message})`);
  }
  if (payload.length < kEncodingHeaderBytes || (payload.readInt32BE(0) & ~0xf0) !== kEncodingCookieBase) throw new HdrDecodeError('not an HdrHistogram V2 encoding');
  const payloadBytes = payload.readInt32BE(4);
  const digits = payload.readInt32BE(12);
  const lowest = Number(payload.readBigInt64BE(16));
  if (digits !== kSignificantDigits || lowest !== kLowestDiscernibleUs) {
    throw new HdrDecodeError(`a histogram of ${digits} significant digits from ${lowest}, not stampede's ${kSignificantDigits} from ${kLowestDiscernibleUs} µs`);
  }
  if (payloadBytes < 0 || payloadBytes > payload.length - kEncodingHeaderBytes) throw new HdrDecodeError(`says ${payloadBytes} payload bytes, holds ${payload.length - kEncodingHeaderBytes}`);
  fillCounts(counts, payload, kEncodingHeaderBytes, kEncodingHeaderBytes + payloadBytes);
  return counts;
}

/** V2 payload: ZigZag LEB128 words; a positive one is the next bucket's count, a negative one skips that many empty buckets. */
function fillCounts(counts: Float64Array, payload: Buffer, from: number, end: number): void {
  let at = from;
  let index = 0;
  while (at < end) {
    let value = 0;
    let scale = 1;
    for (let byte = 0; ; byte++) {
      if (at >= end) throw new HdrDecodeError('ends inside a count');
      const b = payload[at++]!;
      // The 9th byte carries 8 bits, as HdrHistogram's LEB128-64b9B.
      if (byte === kMaxWordBytes - 1) {
        value += b * scale;
        break;
      }
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) break;
      scale *= 128;
    }
    const word = value % 2 === 0 ? value / 2 : -(value + 1) / 2;
    if (word < 0) {
      index += -word;
      continue;
    }
    if (index >= kCountsLength) {
      if (word === 0) continue; // an empty bucket past our range (a wider writer's): nothing lost
      throw new HdrDecodeError(`counts past the ${kCountsLength} buckets of stampede's range`);
    }
    counts[index++] = word;
  }
}
