/**
 * Seconds from the query string kept exact (INTERFACE §5: "decimal with any number of digits"):
 * a BigInt count of 10^-digits units, never a float (the original's 32-bit float start is defect
 * F6/P9 of SPEC-NOTES §1; §3.3 "29.97 fps": convert with decimal-exact integer arithmetic).
 */
export interface DecimalSeconds {
  /** value = units / 10^digits */
  readonly units: bigint;
  readonly digits: number;
}

const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)$/;
const MAX_DIGITS = 60;

/** Parses "95", "95.3", "0.000001", ".5", "7."; null for anything else (signs, exponents, junk). */
export function parseDecimalSeconds(text: string): DecimalSeconds | null {
  if (text.length === 0 || text.length > 2 * MAX_DIGITS || !DECIMAL.test(text)) return null;
  const [whole = '', fraction = ''] = text.split('.');
  return { units: BigInt((whole || '0') + fraction), digits: fraction.length };
}

export const ZERO_SECONDS: DecimalSeconds = { units: 0n, digits: 0 };

function align(a: DecimalSeconds, b: DecimalSeconds): [bigint, bigint, number] {
  const digits = Math.max(a.digits, b.digits);
  return [a.units * 10n ** BigInt(digits - a.digits), b.units * 10n ** BigInt(digits - b.digits), digits];
}

export function addSeconds(a: DecimalSeconds, b: DecimalSeconds): DecimalSeconds {
  const [x, y, digits] = align(a, b);
  return { units: x + y, digits };
}

export function compareSeconds(a: DecimalSeconds, b: DecimalSeconds): number {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isZeroSeconds(a: DecimalSeconds): boolean {
  return a.units === 0n;
}

/** floor(seconds × timescale): the last tick at or before the instant. */
export function secondsToTicksFloor(seconds: DecimalSeconds, timescale: number): number {
  const value = (seconds.units * BigInt(timescale)) / 10n ** BigInt(seconds.digits);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

/** Canonical text (no trailing zeros), for ETags and logs. */
export function formatSeconds(a: DecimalSeconds): string {
  const text = a.units.toString().padStart(a.digits + 1, '0');
  if (a.digits === 0) return text;
  const whole = text.slice(0, text.length - a.digits);
  const fraction = text.slice(text.length - a.digits).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}
