/**
 * Smooth Streaming time (INTERFACE §7; [MS-SSTR] 2.2.2.1 SmoothStreamingMedia TimeScale): every time in
 * manifests, fragment URLs, tfxd and trun is in 100-ns units (TimeScale 10,000,000). A source time `s`
 * in media timescale M maps to round(s × 10^7 / M), half up, computed exactly; durations are always
 * differences of mapped times so they add up exactly (SPEC-NOTES §2.3 "Units").
 */
import { rescale } from '../../mp4/integers';

export const SMOOTH_TIMESCALE = 10_000_000;

/**
 * `valueTs` ticks of `timescale` as 100-ns ticks, rounded half up. Same result as
 * rescale(valueTs, timescale, 10^7) (the one rounding rule, src/mp4/integers.ts); the fast path stays
 * in doubles while every intermediate is an exact integer below 2^53 and corrects the quotient by hand,
 * because a per-sample BigInt costs ~1 µs and a 2-hour source has ~500k samples per track.
 */
export function toHns(valueTs: number, timescale: number): number {
  if (timescale === SMOOTH_TIMESCALE) return valueTs;
  const numerator = 2 * valueTs * SMOOTH_TIMESCALE + timescale;
  if (valueTs < 0 || numerator > Number.MAX_SAFE_INTEGER) return rescale(valueTs, timescale, SMOOTH_TIMESCALE);
  const denominator = 2 * timescale;
  let quotient = Math.floor(numerator / denominator);
  // Float division can land one off when the true quotient is within an ulp of an integer.
  if (quotient * denominator > numerator) quotient -= 1;
  else if ((quotient + 1) * denominator <= numerator) quotient += 1;
  return quotient;
}

/** Decode times of every sample (and the end of the last one) of a track, mapped to 100-ns ticks. */
export function mapDecodeTimes(dtsTs: Float64Array, timescale: number): Float64Array {
  const out = new Float64Array(dtsTs.length);
  for (let i = 0; i < dtsTs.length; i++) out[i] = toHns(dtsTs[i]!, timescale);
  return out;
}
