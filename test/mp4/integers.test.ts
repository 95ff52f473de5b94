/** rescale() (INTERFACE §7: round half up, exact in integers) and the u64 helper. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { rescale, rescaleFloor, safeNumberFromU64, compareTimes, isSgError } from '../helpers/mp4-exports';

test('examples: half rounds up, exact beyond 2^53 intermediate products', () => {
  assert.equal(rescale(1, 2, 1), 1); // 0.5 → 1
  assert.equal(rescale(1, 3, 1), 0);
  assert.equal(rescale(2, 3, 1), 1);
  assert.equal(rescale(1001, 30000, 10_000_000), 333667);
  // 2 hours at 48 kHz: 345,600,000 ticks × 10^7 = 3.456e15 × … passes 2^53 only beyond ~2.6 days; use a bigger one.
  const longTicks = 48000 * 3600 * 24 * 365; // a year of 48 kHz ticks
  assert.equal(rescale(longTicks, 48000, 10_000_000), 3600 * 24 * 365 * 10_000_000);
  assert.equal(rescaleFloor(5, 2, 1), 2);
});

test('properties: monotonic; differences of mapped cumulative times add up exactly', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 50 }),
      fc.constantFrom(1000, 12800, 30000, 44100, 48000, 90000),
      (durations, timescale) => {
        let cumulative = 0;
        let previousMapped = 0;
        let sumOfDifferences = 0;
        for (const d of durations) {
          cumulative += d;
          const mapped = rescale(cumulative, timescale, 10_000_000);
          assert.ok(mapped >= previousMapped);
          sumOfDifferences += mapped - previousMapped;
          previousMapped = mapped;
        }
        assert.equal(sumOfDifferences, rescale(cumulative, timescale, 10_000_000));
      },
    ),
  );
});

test('property: rescale agrees with exact rational rounding', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 1e7 }), (v, from, to) => {
      fc.pre((BigInt(v) * BigInt(to)) / BigInt(from) < 2n ** 53n);
      const exact = (BigInt(v) * BigInt(to) * 2n + BigInt(from)) / (2n * BigInt(from));
      assert.equal(BigInt(rescale(v, from, to)), exact);
      assert.equal(compareTimes(v, from, rescale(v, from, to), to) === 0, BigInt(v) * BigInt(to) % BigInt(from) === 0n);
    }),
  );
});

test('safeNumberFromU64', () => {
  assert.equal(safeNumberFromU64(2n ** 53n - 1n, 'x'), Number.MAX_SAFE_INTEGER);
  assert.throws(() => safeNumberFromU64(2n ** 53n, 'x'), (e: unknown) => isSgError(e) && e.code === 'SG_ERR_MP4_UNSAFE_INTEGER');
});

test('compareTimes agrees with exact BigInt cross-multiplication, on both sides of 2^53', () => {
  const reference = (a: number, as: number, b: number, bs: number): number => {
    const l = BigInt(a) * BigInt(bs);
    const r = BigInt(b) * BigInt(as);
    return l < r ? -1 : l > r ? 1 : 0;
  };
  const time = fc.oneof(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));
  const scale = fc.oneof(fc.constantFrom(1, 1000, 44100, 48000, 90000, 10_000_000), fc.integer({ min: 1, max: 2 ** 32 - 1 }));
  fc.assert(fc.property(time, scale, time, scale, (a, as, b, bs) => compareTimes(a, as, b, bs) === reference(a, as, b, bs)), { numRuns: 5000 });
  // Exact inputs whose products pass 2^53, where doubles would round 3 × (2^52 + 1) to a neighbour.
  assert.equal(compareTimes(2 ** 52 + 1, 1, 13510798882111490, 3), 1);
  assert.equal(compareTimes(2 ** 52 + 1, 1, 2 ** 53 + 2, 2), 0);
});
