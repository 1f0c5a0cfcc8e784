/**
 * A double's shortest round-trip decimal, as JavaScript prints it (`'' + x`: the fewest digits that
 * read back as x, the closest to x among those), written as ASCII without making a string. For
 * positive x in [1e-6, 1e15): 15, then 16, then 17 significant digits, each candidate checked
 * exactly — a product x·10^k held as two doubles (Dekker's two-product), and a candidate below 2^53
 * divided by an exact power of ten, one correctly rounded operation (Clinger's fast path). Where a
 * check cannot decide (a tie, a candidate past 2^53, a power of ten misjudged) it answers -1 and the
 * caller prints the engine's string. A test compares it with `'' + x` over millions of doubles.
 */

/** 10^0 … 10^22, each exact in a double (parsed, not computed: `10 ** k` need not be exact). */
const kPow10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
const kSplitter = 134_217_729; // 2^27 + 1: Veltkamp's split of a double into two 26-bit halves
const kTwo53 = 2 ** 53;

/** Each power of ten split into two 26-bit halves (Veltkamp), once: the products below reuse them. */
const kPowHigh = kPow10.map((power) => {
  const c = kSplitter * power;
  return c - (c - power);
});
const kPowLow = kPow10.map((power, k) => power - kPowHigh[k]!);

/** x·10^k = hi + lo exactly (no overflow here): hi the rounded product, lo what rounding lost. */
let productLow = 0;
function twoProduct(x: number, k: number): number {
  const y = kPow10[k]!;
  const hi = x * y;
  const c = kSplitter * x;
  const xh = c - (c - x);
  const xl = x - xh;
  const yh = kPowHigh[k]!;
  const yl = kPowLow[k]!;
  productLow = xh * yh - hi + xh * yl + xl * yh + xl * yl;
  return hi;
}

/** The significant digits found, most significant first, and how many. */
const digits = new Uint8Array(17);
let digitCount = 0;

/** `high` then `low` as exactly 8 digits; high = floor(value / 1e8) corrected where the division rounded up. */
function setDigits(high: number, low: number, count: number): void {
  if (low < 0) {
    low += 1e8;
    high -= 1;
  } else if (low >= 1e8) {
    low -= 1e8;
    high += 1;
  }
  for (let i = count - 1; i >= count - 8; i--) {
    const tens = Math.floor(low / 10);
    digits[i] = low - tens * 10;
    low = tens;
  }
  for (let i = count - 9; i >= 0; i--) {
    const tens = Math.floor(high / 10);
    digits[i] = high - tens * 10;
    high = tens;
  }
  digitCount = count;
}

const splitDigits = (value: number, count: number): void => {
  const high = Math.floor(value / 1e8);
  setDigits(high, value - high * 1e8, count);
};

/** Finds the digits into `digits`; false when undecided. `exponent`: x in [10^exponent, 10^(exponent+1)). */
function findDigits(x: number, exponent: number): boolean {
  // 15 digits: at most one 15-digit decimal reads back as x, and rounding the product finds it.
  const k15 = 14 - exponent;
  const s15 = Math.round(x * kPow10[k15]!);
  if (s15 < 1e14 || s15 >= 1e15) return false;
  if (s15 / kPow10[k15]! === x) {
    splitDigits(s15, 15);
    while (digits[digitCount - 1] === 0) digitCount--;
    return true;
  }
  // 16 digits: up to two may read back as x; the one closer to x·10^k16 is printed.
  const k16 = k14Plus(exponent, 1);
  const power16 = kPow10[k16]!;
  const hi16 = twoProduct(x, k16);
  const lo16 = productLow;
  const base = Math.round(hi16);
  if (base - 2 < 1e15 || base + 2 >= kTwo53) return false;
  let found = -1;
  let foundDistance = Infinity;
  for (let c = base - 2; c <= base + 2; c++) {
    // A candidate reads back as x only within half an ulp of x (at most 1.12 here, scaled): the
    // division that decides it is skipped for the ones farther away.
    const distance = Math.abs(c - hi16 - lo16);
    if (distance > 1.2 || c / power16 !== x) continue;
    if (Math.abs(distance - foundDistance) < 1e-6) return false; // a tie, or too close to tell
    if (distance < foundDistance) {
      found = c;
      foundDistance = distance;
    }
  }
  if (found >= 0) {
    splitDigits(found, 16);
    return digits[15] !== 0;
  }
  // 17 digits: the nearest 17-digit decimal always reads back as x.
  const hi17 = twoProduct(x, k14Plus(exponent, 2));
  const lo17 = productLow;
  const step = Math.round(lo17);
  if (Math.abs(lo17 - step) === 0.5 || hi17 < 1e16 || hi17 >= 1e17) return false;
  const high = Math.floor(hi17 / 1e8);
  setDigits(high, hi17 - high * 1e8 + step, 17);
  return digits[16] !== 0 && digits[0] !== 0;
}

const k14Plus = (exponent: number, more: number): number => 14 - exponent + more;

/**
 * Writes positive `x` at `at` as `'' + x` would, returning the end; -1 when x is outside
 * [1e-6, 1e15) or a check could not decide (nothing useful written then).
 */
export function writeShortestPositive(x: number, target: Buffer, at: number): number {
  if (!(x >= 1e-6 && x < 1e15)) return -1;
  const exponent = Math.floor(Math.log10(x));
  if (exponent < -6 || exponent > 14) return -1;
  if (!findDigits(x, exponent)) return -1;
  // JavaScript's fixed notation: `point` digits before the point (none or leading zeros when ≤ 0).
  const point = exponent + 1;
  const count = digitCount;
  if (point <= 0) {
    target[at++] = 0x30;
    target[at++] = 0x2e;
    for (let i = 0; i < -point; i++) target[at++] = 0x30;
    for (let i = 0; i < count; i++) target[at++] = 48 + digits[i]!;
    return at;
  }
  for (let i = 0; i < point; i++) target[at++] = i < count ? 48 + digits[i]! : 0x30;
  if (count > point) {
    target[at++] = 0x2e;
    for (let i = point; i < count; i++) target[at++] = 48 + digits[i]!;
  }
  return at;
}
