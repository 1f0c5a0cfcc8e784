import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { murmur2, partitionFor, partitionForAsciiKey, toPositive } from '../../../bench/micro/murmur2.js';

const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));

// Apache Kafka, clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java, testMurmur2.
const kafkaVectors: [string, number][] = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['abc', 479470107],
];

// librdkafka, src/rdmurmur2.c, unittest_murmur2 ("java_murmur2_results", as int32). Its keys start
// at offsets 0–3 of two strings, which exercises the offset/length arguments.
const shortKey = '1234';
const longKey = 'PreAmbleWillBeRemoved,ThePrePartThatIs';
const librdkafkaVectors: [string, number, number][] = [
  ['kafka', 0, 0xd067cf64 | 0],
  ['giberish123456789', 0, 0x8f552b0c | 0],
  [shortKey, 0, 0x9fc97b14 | 0],
  [shortKey, 1, 0xe7c009ca | 0],
  [shortKey, 2, 0x873930da | 0],
  [shortKey, 3, 0x5a4b5ca1 | 0],
  [longKey, 0, 0x78424f1c | 0],
  [longKey, 1, 0x4a62b377 | 0],
  [longKey, 2, 0xe0e4e09e | 0],
  [longKey, 3, 0x62b8b43f | 0],
  ['', 0, 0x106e08d9],
];

test("murmur2 matches Kafka's UtilsTest vectors (signed, as Java returns)", () => {
  for (const [key, expected] of kafkaVectors) assert.is(murmur2(bytes(key)), expected, key);
});

test("murmur2 matches librdkafka's vectors, including keys at an offset inside a larger buffer", () => {
  for (const [text, offset, expected] of librdkafkaVectors) {
    const whole = bytes(text);
    assert.is(murmur2(whole, offset, whole.length - offset), expected, `${text} from ${offset}`);
    assert.is(murmur2(whole.subarray(offset)), expected, `${text} sliced from ${offset}`);
  }
});

test('murmur2 reads only offset..offset+length: bytes around the key change nothing', () => {
  const padded = bytes('xx21yyy');
  assert.is(murmur2(padded, 2, 2), -973932308);
});

test('toPositive clears the sign bit as Kafka does (not Math.abs)', () => {
  assert.is(toPositive(-973932308), -973932308 & 0x7fffffff);
  assert.is(toPositive(-2147483648), 0);
  assert.is(toPositive(-1), 0x7fffffff);
  assert.is(toPositive(479470107), 479470107);
});

test('partitionFor is toPositive(murmur2) % partitions, always within range', () => {
  for (const [key, hash] of kafkaVectors) {
    for (const partitions of [1, 6, 12, 100]) {
      const partition = partitionFor(bytes(key), partitions);
      assert.is(partition, (hash & 0x7fffffff) % partitions, `${key} over ${partitions}`);
      assert.ok(partition >= 0 && partition < partitions);
    }
  }
  // "21" hashes to -973932308 → 1173551340 → partition 0 of 6.
  assert.is(partitionFor(bytes('21'), 6), 0);
});

test('partitionForAsciiKey agrees with partitionFor on the encoded key, for short and long keys', () => {
  for (const key of ['0', '7', '21', '99999', '123456789', 'lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', 'k'.repeat(300), '42']) {
    assert.is(partitionForAsciiKey(key, 6), partitionFor(bytes(key), 6), key);
  }
});

test('decimal device-id keys spread over every partition', () => {
  const seen = new Array<number>(6).fill(0);
  for (let id = 0; id < 6000; id++) seen[partitionForAsciiKey(String(id), 6)]! += 1;
  for (const count of seen) assert.ok(count > 700 && count < 1300, `partition counts ${seen.join(',')}`);
});

test.run();
