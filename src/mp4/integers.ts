/**
 * 64-bit values and timescale conversion (STYLE.md §3): BigInt lives only at the byte boundary and
 * inside rescale(); everything else is a safe `number`.
 */
import { SgError } from '../errors';

/** A u64 read from a box, as a number when it is a safe integer, else SG_ERR_MP4_UNSAFE_INTEGER. */
export function safeNumberFromU64(value: bigint, field: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new SgError('SG_ERR_MP4_UNSAFE_INTEGER', { field, value: value.toString() });
  }
  return Number(value);
}

/**
 * `valueTs` ticks of `fromScale` in ticks of `toScale`, rounded half up — the one rounding rule of
 * INTERFACE.md §7 ("round(s × 10^7 / M) computed exactly in integers, half rounded up"). Exact for any
 * safe input because the product is formed in BigInt (ticks × 10^7 passes 2^53 on long 48 kHz tracks).
 * Negative values round half up too (towards +∞), so rescale(-x) = -rescale(x) only off the halves.
 */
export function rescale(valueTs: number, fromScale: number, toScale: number): number {
  if (fromScale === toScale) return valueTs;
  const numerator = BigInt(valueTs) * BigInt(toScale) * 2n + BigInt(fromScale);
  const denominator = BigInt(fromScale) * 2n;
  // floor((2·v·to + from) / (2·from)) = floor(v·to/from + 1/2): BigInt division truncates, so floor by hand.
  let quotient = numerator / denominator;
  if (numerator % denominator !== 0n && numerator < 0n) quotient -= 1n;
  return Number(quotient);
}

/** floor(valueTs × toScale / fromScale), exactly. */
export function rescaleFloor(valueTs: number, fromScale: number, toScale: number): number {
  const numerator = BigInt(valueTs) * BigInt(toScale);
  const denominator = BigInt(fromScale);
  let quotient = numerator / denominator;
  if (numerator % denominator !== 0n && numerator < 0n) quotient -= 1n;
  return Number(quotient);
}

/** Compares a/aScale with b/bScale exactly: negative, zero or positive. */
export function compareTimes(a: number, aScale: number, b: number, bScale: number): number {
  // Doubles while both cross products are exact: a product of integers that rounds to a safe
  // integer is exact (a true product above 2^53 - 1 rounds to 2^53 or more). The timeline calls
  // this once per audio sample, where BigInts cost more than the rest of the manifest.
  const leftDouble = a * bScale;
  const rightDouble = b * aScale;
  if (Number.isSafeInteger(leftDouble) && Number.isSafeInteger(rightDouble)) return leftDouble < rightDouble ? -1 : leftDouble > rightDouble ? 1 : 0;
  const left = BigInt(a) * BigInt(bScale);
  const right = BigInt(b) * BigInt(aScale);
  return left < right ? -1 : left > right ? 1 : 0;
}
