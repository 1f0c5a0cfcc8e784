import { deflateSync } from 'node:zlib';

/** ZigZag LEB128, as HdrHistogram V2 payloads carry counts (negative: a run of empty buckets). */
export function zigzagLeb128(value: number): number[] {
  let rest = value >= 0 ? value * 2 : -value * 2 - 1;
  const bytes: number[] = [];
  for (;;) {
    const low = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest === 0) {
      bytes.push(low);
      return bytes;
    }
    bytes.push(low | 0x80);
  }
}

/** An HdrHistogram V2 compressed base64 encoding with the header and payload given, as any writer could make. */
export function v2Encoding(header: { digits: number; lowest: number; highest: bigint }, payload: Buffer): string {
  const head = Buffer.alloc(40);
  head.writeInt32BE(0x1c849313, 0);
  head.writeInt32BE(payload.length, 4);
  head.writeInt32BE(0, 8);
  head.writeInt32BE(header.digits, 12);
  head.writeBigInt64BE(BigInt(header.lowest), 16);
  head.writeBigInt64BE(header.highest, 24);
  head.writeDoubleBE(1, 32);
  const deflated = deflateSync(Buffer.concat([head, payload]));
  const prefix = Buffer.alloc(8);
  prefix.writeInt32BE(0x1c849314, 0);
  prefix.writeInt32BE(deflated.length, 4);
  return Buffer.concat([prefix, deflated]).toString('base64');
}

/**
 * A few hundred bytes whose header claims 5 significant digits up to 2^62 with one count at the
 * top: a decoder that sizes its arrays from the header allocates millions of buckets for it.
 */
export function wideRangeHdr(): string {
  return v2Encoding({ digits: 5, lowest: 1, highest: 2n ** 62n }, Buffer.from([...zigzagLeb128(-6_000_000), ...zigzagLeb128(1)]));
}

/** A valid header over `megabytes` MB of zero bytes: deflates to a few KB, inflates to all of it. */
export function inflationBombHdr(megabytes: number): string {
  return v2Encoding({ digits: 3, lowest: 1, highest: 3_600_000_000n }, Buffer.alloc(megabytes * 1_000_000));
}
