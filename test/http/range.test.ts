/** Range header parsing (RFC 9110 §14.1.2): properties over generated headers (fast-check). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseRangeHeader, MAX_RANGES } from '../../src/http/range';

test('examples', () => {
  assert.deepEqual(parseRangeHeader('bytes=0-99', 1000), { kind: 'ranges', ranges: [{ startBytes: 0, endBytes: 100 }] });
  assert.deepEqual(parseRangeHeader('bytes=900-', 1000), { kind: 'ranges', ranges: [{ startBytes: 900, endBytes: 1000 }] });
  assert.deepEqual(parseRangeHeader('bytes=-100', 1000), { kind: 'ranges', ranges: [{ startBytes: 900, endBytes: 1000 }] });
  assert.deepEqual(parseRangeHeader('bytes=-5000', 1000), { kind: 'ranges', ranges: [{ startBytes: 0, endBytes: 1000 }] });
  assert.deepEqual(parseRangeHeader('bytes=990-2000', 1000), { kind: 'ranges', ranges: [{ startBytes: 990, endBytes: 1000 }] });
  assert.deepEqual(parseRangeHeader('bytes=0-0, 5-9', 1000), { kind: 'ranges', ranges: [{ startBytes: 0, endBytes: 1 }, { startBytes: 5, endBytes: 10 }] });
  assert.deepEqual(parseRangeHeader('bytes=1000-', 1000), { kind: 'unsatisfiable' });
  assert.deepEqual(parseRangeHeader('bytes=-0', 1000), { kind: 'unsatisfiable' });
  assert.deepEqual(parseRangeHeader('bytes=5-1', 1000), { kind: 'none' });
  assert.deepEqual(parseRangeHeader('items=0-1', 1000), { kind: 'none' });
  assert.deepEqual(parseRangeHeader('bytes=abc', 1000), { kind: 'none' });
  assert.deepEqual(parseRangeHeader(undefined, 1000), { kind: 'none' });
  assert.deepEqual(parseRangeHeader(`bytes=${Array.from({ length: MAX_RANGES + 1 }, (_, i) => `${i}-${i}`).join(',')}`, 1000), { kind: 'none' });
});

test('any text: never throws; every range returned lies inside the body and is non-empty', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 80 }), fc.nat({ max: 1e9 }), (text, total) => {
      for (const header of [text, `bytes=${text}`]) {
        const decision = parseRangeHeader(header, total);
        if (decision.kind === 'ranges') {
          for (const r of decision.ranges) {
            assert.ok(r.startBytes >= 0 && r.startBytes < r.endBytes && r.endBytes <= total);
          }
        }
      }
    }),
    { numRuns: 2000 },
  );
});

test('well-formed specs: first-last is honoured exactly when satisfiable', () => {
  fc.assert(
    fc.property(fc.nat({ max: 1e7 }), fc.nat({ max: 1e7 }), fc.nat({ max: 1e7 }), (a, b, total) => {
      const first = Math.min(a, b);
      const last = Math.max(a, b);
      const decision = parseRangeHeader(`bytes=${first}-${last}`, total);
      if (first >= total) assert.equal(decision.kind, 'unsatisfiable');
      else assert.deepEqual(decision, { kind: 'ranges', ranges: [{ startBytes: first, endBytes: Math.min(total, last + 1) }] });
    }),
    { numRuns: 2000 },
  );
});

test('suffix specs take the last N bytes', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e7 }), fc.integer({ min: 1, max: 1e7 }), (suffix, total) => {
      assert.deepEqual(parseRangeHeader(`bytes=-${suffix}`, total), { kind: 'ranges', ranges: [{ startBytes: Math.max(0, total - suffix), endBytes: total }] });
    }),
  );
});
