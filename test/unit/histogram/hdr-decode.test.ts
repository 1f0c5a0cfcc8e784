import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as hdr from 'hdr-histogram-js';
import { decodeCounts } from '../../../src/fleet/protocol.js';
import { encodeHdr, newHdrHistogram } from '../../../src/histogram/merge.js';
import { kCountsLength } from '../../../src/shared/layout.js';
import { inflationBombHdr, v2Encoding, wideRangeHdr, zigzagLeb128 } from '../../helpers/hostile-hdr.js';
import { prng } from '../../helpers/random.js';
import { decodeHdr } from '../../../src/histogram/latency-kinds.js';

/** RSS growth while `body` runs, in MB (after a GC when the runtime exposes one). */
function rssGrowthMb(body: () => void): number {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage().rss;
  body();
  return (process.memoryUsage().rss - before) / 1e6;
}

test('decodes what encodeHdr writes exactly as the HdrHistogram library does', () => {
  const random = prng(11);
  for (let round = 0; round < 20; round++) {
    const histogram = newHdrHistogram();
    const values = 1 + Math.floor(random() * 5_000);
    for (let i = 0; i < values; i++) histogram.recordValueWithCount(1 + Math.floor(random() ** 4 * 3_600_000_000), 1 + Math.floor(random() * 1e6));
    const base64 = encodeHdr(histogram);
    const library = hdr.decodeFromCompressedBase64(base64, 64, false) as unknown as hdr.JsHistogram;
    const ours = decodeCounts(base64);
    for (let i = 0; i < kCountsLength; i++) if (ours[i] !== library.getCountAtIndex(i)) assert.unreachable(`round ${round}: bucket ${i} is ${ours[i]}, the library says ${library.getCountAtIndex(i)}`);
    const back = decodeHdr(base64);
    assert.is(back.totalCount, histogram.totalCount);
    for (const p of [50, 99, 99.9, 100]) assert.is(back.getValueAtPercentile(p), histogram.getValueAtPercentile(p), `p${p}`);
  }
  assert.is(decodeCounts('').length, kCountsLength, 'the empty encoding is an empty histogram');
});

test('a header claiming a huge range is refused, not allocated: memory stays flat', () => {
  const base64 = wideRangeHdr();
  let message = '';
  const grownMb = rssGrowthMb(() => {
    try {
      decodeCounts(base64);
    } catch (err) {
      message = (err as Error).message;
    }
  });
  assert.match(message, /a histogram of 5 significant digits from 1, not stampede's 3 from 1 µs/);
  assert.ok(grownMb < 16, `RSS grew ${grownMb.toFixed(1)} MB`);
});

test('a payload that inflates past what our layout can encode to is refused at that bound', () => {
  const base64 = inflationBombHdr(50);
  assert.ok(base64.length < 200_000, `${base64.length} characters of base64`);
  let message = '';
  const grownMb = rssGrowthMb(() => {
    try {
      decodeHdr(base64);
    } catch (err) {
      message = (err as Error).message;
    }
  });
  assert.match(message, /inflates past \d+ bytes/);
  assert.ok(grownMb < 16, `RSS grew ${grownMb.toFixed(1)} MB`);
});

test('broken encodings are errors that say why', () => {
  const cases: [string, RegExp][] = [
    ['not base64 at all!', /not base64/],
    ['AAAA', /no cookie/],
    ['A'.repeat(400_000), /more than a histogram of 23552 buckets encodes to/],
    [encodeHdr(newHdrHistogram()).slice(0, 24), /compressed bytes|does not inflate|not base64/],
    [v2Encoding({ digits: 3, lowest: 1, highest: 3_600_000_000n }, Buffer.from([0x81])), /ends inside a count/],
    [v2Encoding({ digits: 3, lowest: 1, highest: 3_600_000_000n }, Buffer.from([...zigzagLeb128(-kCountsLength), ...zigzagLeb128(7)])), /counts past the 23552 buckets/],
  ];
  for (const [base64, reason] of cases) assert.throws(() => decodeCounts(base64), reason, base64.slice(0, 40));
});

test.run();
